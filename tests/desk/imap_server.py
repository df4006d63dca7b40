"""A small in-process IMAP4rev1 server, enough for imaplib's LOGIN, AUTHENTICATE PLAIN, SELECT, UID SEARCH UNSEEN,
UID FETCH (RFC822), UID STORE +FLAGS (\\Seen) and LOGOUT over a real socket. `keeps_flags=False`
plays a mailbox that loses its flags (a crash between fetch and store, another client resetting
them): every poll sees every message again."""

from __future__ import annotations

import base64
import socketserver
import threading
from typing import Any


class Mailbox:
    def __init__(self, user: str, password: str, messages: list[bytes], *, keeps_flags: bool = True) -> None:
        self.user, self.password, self.messages, self.keeps_flags = user, password, list(messages), keeps_flags
        self.seen: set[int] = set()
        self.selected: list[str] = []  # folder names as they came over the wire
        self.commands: list[str] = []


class _Handler(socketserver.StreamRequestHandler):
    box: Mailbox

    def send(self, text: str | bytes) -> None:
        self.wfile.write(text if isinstance(text, bytes) else text.encode())

    def handle(self) -> None:
        box: Mailbox = self.server.box  # type: ignore[attr-defined]
        self.send("* OK IMAP4rev1 test server ready\r\n")
        authed = False
        while line := self.rfile.readline():
            tag, _, rest = line.decode().rstrip("\r\n").partition(" ")
            words = rest.split(" ")
            command = words[0].upper()
            box.commands.append(command if command != "UID" else "UID " + words[1].upper())
            if command == "CAPABILITY":
                self.send(f"* CAPABILITY IMAP4rev1\r\n{tag} OK done\r\n")
            elif command == "LOGIN":
                user, password = words[1].strip('"'), words[2].strip('"')
                authed = (user, password) == (box.user, box.password)
                self.send(f"{tag} OK logged in\r\n" if authed else f"{tag} NO wrong password\r\n")
            elif command == "AUTHENTICATE" and words[1].upper() == "PLAIN":
                self.send("+ \r\n")
                _, user, password = base64.b64decode(self.rfile.readline().strip()).decode().split("\0")
                authed = (user, password) == (box.user, box.password)
                self.send(f"{tag} OK logged in\r\n" if authed else f"{tag} NO wrong password\r\n")
            elif command == "LOGOUT":
                self.send(f"* BYE\r\n{tag} OK bye\r\n")
                return
            elif not authed:
                self.send(f"{tag} BAD log in first\r\n")
            elif command == "SELECT":
                box.selected.append(rest.partition(" ")[2])
                self.send(f"* {len(box.messages)} EXISTS\r\n* FLAGS (\\Seen)\r\n{tag} OK [READ-WRITE] selected\r\n")
            elif command == "UID":
                self.uid(box, tag, words[1].upper(), words[2:])
            else:
                self.send(f"{tag} BAD unknown command\r\n")

    def uid(self, box: Mailbox, tag: str, sub: str, args: list[str]) -> None:
        if sub == "SEARCH":
            unseen = [str(i + 1) for i in range(len(box.messages)) if i + 1 not in box.seen]
            self.send(f"* SEARCH {' '.join(unseen)}".rstrip() + f"\r\n{tag} OK search done\r\n")
        elif sub == "FETCH":
            uid = int(args[0])
            raw = box.messages[uid - 1]
            self.send(f"* {uid} FETCH (UID {uid} RFC822 {{{len(raw)}}}\r\n".encode() + raw + b")\r\n")
            self.send(f"{tag} OK fetch done\r\n")
        elif sub == "STORE":
            uid = int(args[0])
            if box.keeps_flags:
                box.seen.add(uid)
            self.send(f"* {uid} FETCH (UID {uid} FLAGS (\\Seen))\r\n{tag} OK store done\r\n")
        else:
            self.send(f"{tag} BAD unknown UID command\r\n")


class ImapServer:
    """`with ImapServer(box) as port:` — listening on 127.0.0.1 for as long as the block runs."""

    def __init__(self, box: Mailbox) -> None:
        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Handler)
        self.server.daemon_threads = True
        self.server.box = box  # type: ignore[attr-defined]

    def __enter__(self) -> int:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return int(self.server.server_address[1])

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()
