#!/usr/bin/python3
"""Lists the slowest sessions with errors in a project and renders the
slowest one to MP4.

    PYTHONPATH=build/bindings/python examples/python/slowest_sessions.py \
        --database-url sqlite://var/incuera.db --project-id <id> [--top 10]
"""

import argparse
import sys

import incuera


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="sqlite://var/incuera.db")
    parser.add_argument("--storage-url", default="file://var/objects")
    parser.add_argument("--project-id", required=True)
    parser.add_argument("--top", type=int, default=10)
    parser.add_argument("--no-render", action="store_true")
    args = parser.parse_args()

    engine = incuera.open(database_url=args.database_url, storage_url=args.storage_url)
    sessions = sorted(engine.sessions(args.project_id, has_errors=True),
                      key=lambda s: s.duration_ms, reverse=True)[:args.top]
    if not sessions:
        print("no sessions with errors")
        return 0
    for s in sessions:
        print(f"{s.id}  {s.duration_ms / 1000:8.1f}s  {s.error_count:3d} errors  {s.url}")
    if args.no_render:
        return 0

    slowest = sessions[0]
    print(f"rendering {slowest.id} ...")
    rendered = engine.render_session(
        slowest.id, progress=lambda f: print(f"\r{f:6.1%}", end="", flush=True))
    print(f"\nstatus {rendered.status}, video {rendered.video_key} ({rendered.video_size} bytes)")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except incuera.Error as e:
        print(f"slowest_sessions: {e.code}: {e}", file=sys.stderr)
        sys.exit(1)
