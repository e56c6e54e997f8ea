// The render shortens idle gaps, so video time and session time differ; the
// server gives the breakpoints [video_ms, session_ms] of the piecewise-linear
// map between them.

// The video time that shows session moment `sessionMs`, or null when the map
// is empty (a render older than the map, or none yet).
export function videoTimeOf(sessionMs: number, map: [number, number][]): number | null {
  if (map.length === 0) return null;
  if (sessionMs <= map[0][1]) return map[0][0];
  for (let i = 1; i < map.length; i++) {
    const [v0, s0] = map[i - 1];
    const [v1, s1] = map[i];
    if (sessionMs <= s1) return s1 === s0 ? v0 : v0 + ((sessionMs - s0) * (v1 - v0)) / (s1 - s0);
  }
  return map[map.length - 1][0];
}
