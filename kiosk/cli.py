"""`kiosk` command: run the hall back office, manage its tokens, find halls on the LAN."""

from __future__ import annotations

import argparse
import contextlib
import getpass
import logging
import sys
import time
from pathlib import Path

from kiosk.config import ConfigError, load_config
from kiosk.hall.roles import ROLES


def _store_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data", metavar="DIR", help="data directory (holds hall.db for SQLite)")
    p.add_argument("--config", metavar="FILE", help="hall configuration (TOML); defaults apply otherwise")
    p.add_argument(
        "--db", metavar="URL", help="database URL, e.g. postgresql://user:pw@host/hall (default SQLite)"
    )


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="kiosk", description="Community service hall kiosk and back office")
    sub = ap.add_subparsers(dest="command", required=True)

    s = sub.add_parser("serve", help="run the hall back office (HTTP API, event stream, zeroconf)")
    _store_args(s)
    s.add_argument("--host", help="address to listen on (default from config: 127.0.0.1)")
    s.add_argument("--port", type=int, help="port (default from config: 8750)")

    t = sub.add_parser("token", help="create, list or revoke API tokens")
    tsub = t.add_subparsers(dest="token_command", required=True)
    tc = tsub.add_parser("create", help="create a token and print it on stdout (shown once; stored hashed)")
    _store_args(tc)
    tc.add_argument("--role", required=True, choices=ROLES)
    tc.add_argument("--name", required=True, help="the device or person the token is for")
    tl = tsub.add_parser("list", help="list tokens (never their values)")
    _store_args(tl)
    tr = tsub.add_parser("revoke", help="revoke a token by its id")
    _store_args(tr)
    tr.add_argument("id", type=int)

    st = sub.add_parser("staff", help="hall staff accounts (they log in at counter terminals)")
    ssub = st.add_subparsers(dest="staff_command", required=True)
    sa = ssub.add_parser("add", help="create an account; the password is asked for (or read from stdin)")
    _store_args(sa)
    sa.add_argument("--username", required=True)
    sa.add_argument("--name", required=True, help="the name shown at the counter, e.g. 王芳")
    sa.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    sl = ssub.add_parser("list", help="list the accounts")
    _store_args(sl)
    for verb, help_text in (
        ("disable", "disable an account and end its sessions"),
        ("enable", "enable it again"),
    ):
        sd = ssub.add_parser(verb, help=help_text)
        _store_args(sd)
        sd.add_argument("username")

    doc = sub.add_parser("doctor", help="check every configured device: status, self-test, diagnostics")
    doc.add_argument("--config", metavar="FILE", help="hall configuration (TOML) naming the devices")
    doc.add_argument("--kind", action="append", help="only this device kind (repeatable)")
    doc.add_argument("--list", action="store_true", help="list the installed drivers and exit")
    doc.add_argument("--json", action="store_true", help="print the full diagnostics as JSON")
    doc.add_argument("--report", metavar="URL", help="also report each device's status to this back office")
    doc.add_argument("--token", help="token for --report (technician, kiosk, display or counter)")

    sim = sub.add_parser("simulate", help="run every device's simulator and write a devices config for them")
    sim.add_argument("--data", metavar="DIR", required=True, help="where devices.toml and the ptys go")
    sim.add_argument("--report", metavar="URL", help="report the devices' status to this back office")
    sim.add_argument("--token", help="token for --report")
    sim.add_argument(
        "--token-file", metavar="FILE", help="read the token for --report from FILE (waits for it)"
    )
    sim.add_argument("--console", action="store_true", help="read `KIND COMMAND` lines on stdin")

    kr = sub.add_parser("run", help="the resident kiosk: the touchscreen app, its devices, the back office")
    from kiosk.ui.run import add_arguments

    add_arguments(kr)

    tour = sub.add_parser(
        "tour", help="render a PNG of every kiosk screen (both modes, both languages, both panel shapes)"
    )
    tour.add_argument("--out", metavar="DIR", required=True, help="where the PNGs and audit.json go")
    tour.add_argument("--only", metavar="NAME", help="only screens whose name contains NAME")

    d = sub.add_parser("discover", help="list hall back offices advertised on the LAN")
    d.add_argument("--timeout", type=float, default=3.0, help="seconds to listen (default 3)")
    d.add_argument(
        "--interface",
        action="append",
        metavar="ADDR",
        help="only browse on this interface address (repeatable); default all",
    )
    return ap


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )
    if args.command == "run":
        # The kiosk never loads the back office: its cold start is what a resident waits for after a reboot.
        try:
            config = load_config(args.config)
        except ConfigError as exc:
            print(f"kiosk: {exc}", file=sys.stderr)
            return 2
        from kiosk.ui import run as kiosk_run

        return kiosk_run.run(args, config)
    return _hall_command(args)


def _hall_command(args: argparse.Namespace) -> int:
    from kiosk.hall.catalogue import CatalogueError
    from kiosk.hall.errors import HallError
    from kiosk.hall.store import StoreError

    try:
        if args.command == "discover":
            from kiosk.client.discovery import discover_halls, format_halls

            print(format_halls(discover_halls(args.timeout, args.interface)))
            return 0
        if args.command == "tour":
            from kiosk.ui import tour as kiosk_tour

            return kiosk_tour.run(Path(args.out), args.only)
        if args.command == "simulate":
            from kiosk import simulate

            token = args.token or (_wait_for_file(args.token_file) if args.token_file else None)
            return simulate.run(Path(args.data), args.report, token, args.console)
        config = load_config(args.config)
        if args.command == "doctor":
            from kiosk import doctor

            if args.list:
                for kind, names in doctor.registry.available().items():
                    print(f"{kind:<10} {', '.join(names)}")
                return 0
            return doctor.run(
                config.devices, args.kind, as_json=args.json, report_url=args.report, token=args.token
            )
        if args.command == "serve":
            from kiosk.hall.server import serve

            if not args.data and not (args.db or config.server.db):
                print("kiosk serve: give --data DIR (SQLite) or --db URL", file=sys.stderr)
                return 2
            serve(
                config, args.data, args.host or config.server.host, args.port or config.server.port, args.db
            )
            return 0
        if args.command == "staff":
            return _staff(args, config)
        return _token(args, config)
    except (ConfigError, CatalogueError, StoreError) as exc:
        print(f"kiosk: {exc}", file=sys.stderr)
        return 2
    except HallError as exc:
        print(f"kiosk: {exc.message}", file=sys.stderr)
        return 1


def _wait_for_file(path: str, timeout: float = 60.0) -> str | None:
    """The first start of `kiosk serve` writes the admin token; a simulator started beside it waits."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(FileNotFoundError):
            text = Path(path).read_text().strip()
            if text:
                return text
        time.sleep(0.2)
    print(f"kiosk: {path} did not appear; devices will not be reported", file=sys.stderr)
    return None


def _staff(args: argparse.Namespace, config) -> int:  # type: ignore[no-untyped-def]
    from kiosk.hall.server import open_hall

    if not args.data and not (args.db or config.server.db):
        print("kiosk staff: give --data DIR (SQLite) or --db URL", file=sys.stderr)
        return 2
    logging.getLogger("alembic").setLevel(logging.WARNING)
    password = ""
    if args.staff_command == "add":
        if args.password_stdin:
            password = sys.stdin.readline().rstrip("\n")
        else:
            password = getpass.getpass("password: ")
            if getpass.getpass("again: ") != password:
                print("kiosk staff: the two passwords differ", file=sys.stderr)
                return 1
    hall = open_hall(config, args.data, args.db)
    try:
        svc = hall.service
        if args.staff_command == "add":
            made = svc.create_staff(args.username, args.name, password)
            print(f"staff account {made['username']!r} ({made['name']}) created", file=sys.stderr)
        elif args.staff_command == "list":
            for s in svc.list_staff():
                state = f"disabled {s['disabled_at']}" if s["disabled_at"] else "active"
                print(f"{s['username']:<20} {s['name']:<20} {state}")
        else:
            if not svc.set_staff_disabled(args.username, args.staff_command == "disable"):
                print(f"kiosk staff: no account {args.username!r}", file=sys.stderr)
                return 1
            print(f"staff account {args.username!r} {args.staff_command}d", file=sys.stderr)
        return 0
    finally:
        hall.close()


def _token(args: argparse.Namespace, config) -> int:  # type: ignore[no-untyped-def]
    from kiosk.hall.server import open_hall

    if not args.data and not (args.db or config.server.db):
        print("kiosk token: give --data DIR (SQLite) or --db URL", file=sys.stderr)
        return 2
    logging.getLogger("alembic").setLevel(logging.WARNING)
    hall = open_hall(config, args.data, args.db)
    try:
        svc = hall.service
        if args.token_command == "create":
            token_id, token = svc.create_token(args.role, args.name)
            print(token)
            print(
                f"token {token_id} for {args.name!r} ({args.role}) created; it is shown only now",
                file=sys.stderr,
            )
        elif args.token_command == "list":
            for t in svc.list_tokens():
                state = f"revoked {t['revoked_at']}" if t["revoked_at"] else "active"
                print(f"{t['id']:>4}  {t['role']:<10}  {t['name']:<30}  created {t['created_at']}  {state}")
        else:
            if not svc.revoke_token(args.id):
                print(f"kiosk token: no active token with id {args.id}", file=sys.stderr)
                return 1
            print(f"token {args.id} revoked", file=sys.stderr)
        return 0
    finally:
        hall.close()


if __name__ == "__main__":
    raise SystemExit(main())
