import type {Session} from '../api/types';
import {Bytes} from '../components/Bytes';
import {formatBytes} from '../lib/format';

// The session's storage, for the line of facts under its title.
export function StorageLine({session}: {session: Session}) {
  const {event_bytes, object_bytes, total_bytes} = session.storage;
  return (
    <span title={`events ${formatBytes(event_bytes)}, videos and images ${formatBytes(object_bytes)}`}>
      <Bytes value={total_bytes} /> stored
    </span>
  );
}
