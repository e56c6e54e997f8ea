// Small design-system pieces: buttons, form fields, cards, badges, notices.
import {
  type ButtonHTMLAttributes,
  type HTMLAttributes,
  type InputHTMLAttributes,
  type ReactNode,
  type SelectHTMLAttributes,
  useId,
} from 'react';
import {errorMessage} from '../api/client';

type Variant = 'primary' | 'secondary' | 'danger' | 'ghost';

const variants: Record<Variant, string> = {
  primary: 'bg-indigo-600 text-white shadow-sm hover:bg-indigo-500 disabled:bg-indigo-300',
  secondary: 'bg-white text-slate-700 shadow-sm ring-1 ring-slate-300 hover:bg-slate-50 disabled:text-slate-400',
  danger: 'bg-rose-600 text-white shadow-sm hover:bg-rose-500 disabled:bg-rose-300',
  ghost: 'text-slate-600 hover:bg-slate-100 hover:text-slate-900 disabled:text-slate-300',
};

export const focusRing = 'focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600';

type ButtonProps = ButtonHTMLAttributes<HTMLButtonElement> & {
  variant?: Variant;
  size?: 'sm' | 'md';
  busy?: boolean;
};

export function Button({
  variant = 'secondary',
  size = 'md',
  busy,
  className = '',
  children,
  disabled,
  ...rest
}: ButtonProps) {
  const sizing = size === 'sm' ? 'px-2.5 py-1.5 text-xs gap-1.5' : 'px-3.5 py-2 text-sm gap-2';
  return (
    <button
      type="button"
      disabled={disabled || busy}
      className={`inline-flex items-center justify-center rounded-lg font-medium whitespace-nowrap transition-colors disabled:cursor-not-allowed ${sizing} ${variants[variant]} ${focusRing} ${className}`}
      {...rest}
    >
      {busy && <Spinner className="size-3.5" />}
      {children}
    </button>
  );
}

export function Spinner({className = 'size-5'}: {className?: string}) {
  return (
    <svg className={`animate-spin ${className}`} viewBox="0 0 24 24" fill="none" aria-hidden="true">
      <circle cx="12" cy="12" r="9" stroke="currentColor" strokeOpacity="0.25" strokeWidth="3" />
      <path d="M21 12a9 9 0 0 0-9-9" stroke="currentColor" strokeWidth="3" strokeLinecap="round" />
    </svg>
  );
}

const inputClass =
  'block w-full min-w-0 rounded-lg border-0 bg-white px-3 py-2 text-sm text-slate-900 shadow-sm ring-1 ring-slate-300 placeholder:text-slate-400 focus:ring-2 focus:ring-indigo-600 focus:outline-none disabled:bg-slate-50 disabled:text-slate-500';

interface FieldProps {
  label: string;
  hint?: ReactNode;
  className?: string;
}

export function TextField({label, hint, className = '', ...rest}: FieldProps & InputHTMLAttributes<HTMLInputElement>) {
  const id = useId();
  return (
    <div className={className}>
      <label htmlFor={id} className="mb-1 block text-sm font-medium text-slate-700">
        {label}
      </label>
      <input id={id} className={inputClass} aria-describedby={hint ? `${id}-hint` : undefined} {...rest} />
      {hint && (
        <p id={`${id}-hint`} className="mt-1 text-xs text-slate-500">
          {hint}
        </p>
      )}
    </div>
  );
}

export function SelectField({
  label,
  hint,
  className = '',
  children,
  ...rest
}: FieldProps & SelectHTMLAttributes<HTMLSelectElement>) {
  const id = useId();
  return (
    <div className={className}>
      <label htmlFor={id} className="mb-1 block text-sm font-medium text-slate-700">
        {label}
      </label>
      <select id={id} className={`${inputClass} pr-8`} {...rest}>
        {children}
      </select>
      {hint && <p className="mt-1 text-xs text-slate-500">{hint}</p>}
    </div>
  );
}

// An unlabelled-looking input that still has an accessible name.
export function Input({label, className = '', ...rest}: {label: string} & InputHTMLAttributes<HTMLInputElement>) {
  return <input aria-label={label} className={`${inputClass} ${className}`} {...rest} />;
}

export function Card({
  title,
  actions,
  children,
  className = '',
  ...rest
}: {
  title?: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
  className?: string;
} & Omit<HTMLAttributes<HTMLElement>, 'title'>) {
  return (
    <section className={`min-w-0 rounded-xl bg-white shadow-sm ring-1 ring-slate-200 ${className}`} {...rest}>
      {(title || actions) && (
        <header className="flex flex-wrap items-center justify-between gap-2 border-b border-slate-100 px-4 py-3">
          {title && <h2 className="text-sm font-semibold text-slate-900">{title}</h2>}
          {actions}
        </header>
      )}
      <div className="p-4">{children}</div>
    </section>
  );
}

export type Tone = 'gray' | 'blue' | 'green' | 'amber' | 'red' | 'violet';

const tones: Record<Tone, string> = {
  gray: 'bg-slate-100 text-slate-700 ring-slate-500/20',
  blue: 'bg-sky-50 text-sky-700 ring-sky-600/20',
  green: 'bg-emerald-50 text-emerald-700 ring-emerald-600/20',
  amber: 'bg-amber-50 text-amber-800 ring-amber-600/25',
  red: 'bg-rose-50 text-rose-700 ring-rose-600/20',
  violet: 'bg-violet-50 text-violet-700 ring-violet-600/20',
};

export function Badge({
  tone = 'gray',
  children,
  className = '',
  title,
}: {
  tone?: Tone;
  children: ReactNode;
  className?: string;
  title?: string;
}) {
  return (
    <span
      title={title}
      className={`inline-flex items-center gap-1 rounded-md px-2 py-0.5 text-xs font-medium whitespace-nowrap ring-1 ring-inset ${tones[tone]} ${className}`}
    >
      {children}
    </span>
  );
}

// A centred message for empty, loading and failed states, with what to do next.
export function Notice({
  icon,
  title,
  children,
  action,
  tone = 'gray',
}: {
  icon?: ReactNode;
  title: ReactNode;
  children?: ReactNode;
  action?: ReactNode;
  tone?: 'gray' | 'red';
}) {
  return (
    <div
      role={tone === 'red' ? 'alert' : undefined}
      className="flex flex-col items-center justify-center gap-2 px-4 py-10 text-center"
    >
      {icon && <div className={`text-3xl ${tone === 'red' ? 'text-rose-500' : 'text-slate-400'}`}>{icon}</div>}
      <p className={`text-sm font-semibold ${tone === 'red' ? 'text-rose-700' : 'text-slate-800'}`}>{title}</p>
      {/* wrap-anywhere: a reason from the worker can be one long token (a URL,
          an exception's JSON); it must wrap inside the card, even at phone width. */}
      {children && <div className="max-w-md text-sm wrap-anywhere text-slate-500">{children}</div>}
      {action && <div className="mt-2">{action}</div>}
    </div>
  );
}

// What could not be loaded, why, and a Retry button.
export function LoadError({title, error, onRetry}: {title: ReactNode; error: unknown; onRetry: () => void}) {
  return (
    <Notice tone="red" title={title} action={<Button onClick={onRetry}>Retry</Button>}>
      {errorMessage(error)}
    </Notice>
  );
}

export function Loading({label = 'Loading…'}: {label?: string}) {
  return (
    <div role="status" className="flex items-center justify-center gap-2 py-10 text-sm text-slate-500">
      <Spinner className="size-4" />
      {label}
    </div>
  );
}

export function InlineError({children}: {children: ReactNode}) {
  return (
    <p
      role="alert"
      className="rounded-lg bg-rose-50 px-3 py-2 text-sm wrap-anywhere text-rose-700 ring-1 ring-rose-200"
    >
      {children}
    </p>
  );
}
