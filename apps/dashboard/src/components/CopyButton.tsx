import {useEffect, useState} from 'react';
import {CheckIcon, CopyIcon} from './icons';
import {Button} from './ui';

// Copies `text` to the clipboard. Falls back to a hidden textarea where the
// async clipboard API is unavailable (plain-http origins other than localhost).
async function copyText(text: string): Promise<void> {
  if (navigator.clipboard && window.isSecureContext) {
    await navigator.clipboard.writeText(text);
    return;
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.appendChild(area);
  area.select();
  document.execCommand('copy');
  area.remove();
}

// `text` may be a function, read at the moment of the click.
export function CopyButton({
  text,
  label = 'Copy',
  size = 'sm',
}: {
  text: string | (() => string);
  label?: string;
  size?: 'sm' | 'md';
}) {
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    if (!copied) return;
    const id = window.setTimeout(() => setCopied(false), 2000);
    return () => window.clearTimeout(id);
  }, [copied]);
  return (
    <Button
      size={size}
      onClick={() =>
        copyText(typeof text === 'function' ? text() : text).then(
          () => setCopied(true),
          () => setCopied(false),
        )
      }
      aria-live="polite"
    >
      {copied ? <CheckIcon className="text-emerald-600" /> : <CopyIcon />}
      {copied ? 'Copied' : label}
    </Button>
  );
}
