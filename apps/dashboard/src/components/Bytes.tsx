import {formatBytes} from '../lib/format';

// A size for people ("12.3 KB") that keeps the exact byte count in its
// machine-readable value.
export function Bytes({value}: {value: number}) {
  return <data value={value}>{formatBytes(value)}</data>;
}
