"""Writes a minimal x86_64 Mach-O executable by hand (no Apple toolchain
here): a __TEXT segment holding "/bin/sh", a dylib load command, and a
symbol table importing _socket, _connect, _execve and _dup2. No code signature."""
import struct, sys

strings = b"\0_socket\0_connect\0_execve\0_dup2\0"
text = b"\0\0\0\0/bin/sh\0connect to 198.51.100.9\0"
dylib = b"/usr/lib/libSystem.B.dylib\0"
dylib += b"\0" * (-len(dylib) % 8)

cmds = []
def seg(name, off, size):
    return struct.pack("<II16sQQQQiiII", 0x19, 72, name, 0x100000000, 0x1000, off, size, 5, 5, 0, 0)
def load_dylib():
    body = struct.pack("<IIIIII", 0xc, 24 + len(dylib), 24, 2, 0x10000, 0x10000) + dylib
    return body
hdr_size = 32
# layout: header, commands, text, symbols, strings
n_syms = 4
cmd_sizes = 72 + 24 + len(dylib) + 24 + 80
text_off = hdr_size + cmd_sizes
sym_off = text_off + len(text)
sym_off += -sym_off % 8
str_off = sym_off + 16 * n_syms
syms = b""
for strx in (1, 9, 18, 26):
    syms += struct.pack("<IBBHQ", strx, 0x01, 0, 0x0100, 0)  # N_EXT|N_UNDF, library ordinal 1
cmds = seg(b"__TEXT", text_off, len(text)) + load_dylib()
cmds += struct.pack("<IIIIII", 0x2, 24, sym_off, n_syms, str_off, len(strings))
cmds += struct.pack("<II" + "I" * 18, 0xb, 80, 0, 0, 0, 0, 0, n_syms, *([0] * 12))
assert len(cmds) == cmd_sizes, (len(cmds), cmd_sizes)
hdr = struct.pack("<IiiIIIII", 0xfeedfacf, 0x01000007, 3, 2, 4, len(cmds), 0x85, 0)
out = hdr + cmds + text
out += b"\0" * (sym_off - len(out)) + syms + strings
open(sys.argv[1], "wb").write(out)
