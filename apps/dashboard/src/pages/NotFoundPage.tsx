import {Link} from '../lib/router';
import {Notice} from '../components/ui';

export function NotFoundPage({what = 'page'}: {what?: string}) {
  return (
    <Notice
      title={`This ${what} does not exist`}
      action={
        <Link to="/" className="text-sm font-medium text-indigo-600 hover:text-indigo-500">
          Back to projects
        </Link>
      }
    >
      It may have been deleted, or it belongs to another account.
    </Notice>
  );
}
