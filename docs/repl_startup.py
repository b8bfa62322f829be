#!/usr/bin/env python3
# The REPL startup benchmark of docs/benchmarks.md: python3 docs/repl_startup.py RUNS (from the checkout root).
# Time from spawning `./rlo repl` on a pseudo-terminal to the first "rlo> " prompt on it.
import fcntl, os, pty, select, statistics, struct, subprocess, sys, termios, time
times = []
for i in range(int(sys.argv[1])):
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack('HHHH', 24, 80, 0, 0))
    t0 = time.monotonic()
    p = subprocess.Popen(["./rlo", "repl"], stdin=slave, stdout=slave, stderr=slave, cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))), start_new_session=True)
    buf = b""
    while b"rlo> " not in buf:
        r, _, _ = select.select([master], [], [], 30)
        if not r:
            break
        buf += os.read(master, 4096)
    times.append(time.monotonic() - t0)
    os.write(master, b":quit\r")
    p.wait(timeout=30)
    os.close(master); os.close(slave)
print("runs", len(times), "median %.2f s" % statistics.median(times), "min %.2f" % min(times), "max %.2f" % max(times))
