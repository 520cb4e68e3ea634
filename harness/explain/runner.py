# The steps of a union-conformance case, run by plain syscalls in the mounted union
# (the current directory), each printed as the case's transcript prints it.
import ctypes, errno, json, mmap, os, re, stat, subprocess

libc = ctypes.CDLL(None, use_errno=True)
libc.opendir.restype = ctypes.c_void_p
libc.opendir.argtypes = [ctypes.c_char_p]
libc.readdir64.restype = ctypes.c_void_p
libc.readdir64.argtypes = [ctypes.c_void_p]
libc.telldir.restype = ctypes.c_long
libc.telldir.argtypes = [ctypes.c_void_p]
libc.seekdir.argtypes = [ctypes.c_void_p, ctypes.c_long]
libc.rewinddir.argtypes = [ctypes.c_void_p]
libc.closedir.argtypes = [ctypes.c_void_p]
libc.munmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t]

class Timespec(ctypes.Structure):
    _fields_ = [('sec', ctypes.c_long), ('nsec', ctypes.c_long)]

UTIME = {'UTIME_NOW': (0, (1 << 30) - 1), 'UTIME_OMIT': (0, (1 << 30) - 2)}
KINDS = {stat.S_IFREG: 'file', stat.S_IFDIR: 'dir', stat.S_IFLNK: 'symlink', stat.S_IFIFO: 'fifo',
         stat.S_IFCHR: 'chr', stat.S_IFBLK: 'blk', stat.S_IFSOCK: 'sock'}
D_TYPES = {1: 'fifo', 2: 'chr', 4: 'dir', 6: 'blk', 8: 'file', 10: 'symlink', 12: 'sock', 14: 'wht'}
fds, dirs, told, aliases = {}, {}, [], {'ino': {}, 'pos': {}}
# mappings by name; the fds lockprobe opens, kept: closing any fd of a file drops the process's POSIX locks on it
maps, held = {}, []

def alias(kind, raw):
    seen = aliases[kind]
    return seen.setdefault(str(raw), f'{kind}#{len(seen) + 1}')

def c(r):
    if r < 0:
        e = ctypes.get_errno()
        raise OSError(e, os.strerror(e))
    return r

# After an fchdir step the working directory is no longer the union's root: paths are then taken from $MNT.
moved = False

def P(p):
    if moved:
        return os.path.join(os.environ['MNT'], p.lstrip('/'))
    return '.' if p in ('', '/') else p

def fd(name):
    if name not in fds:
        raise OSError(errno.EBADF, 'unknown fd')
    return fds[name]

def close(name):
    os.close(fd(name))
    del fds[name]

def ds(name):
    if name not in dirs:
        raise OSError(errno.EBADF, 'unknown dir')
    return dirs[name]

def times(a, m):
    t = (Timespec * 2)()
    for i, v in enumerate((a, m)):
        t[i].sec, t[i].nsec = UTIME[v] if isinstance(v, str) else v
    return t

def utimensat(path, a, m, nofollow):
    if a == m == 'UTIME_OMIT':
        return 0
    return c(libc.utimensat(-100, os.fsencode(path), times(a, m), 0x100 if nofollow else 0))

def futimens(f, a, m):
    return c(libc.futimens(f, times(a, m)))

def renameat2(a, b, flags):
    return c(libc.renameat2(-100, os.fsencode(a), -100, os.fsencode(b), flags))

def access(path, mode):
    return c(libc.access(os.fsencode(path), mode))

def mmapwrite(f, off, data):
    m = mmap.mmap(f, off + len(data))
    m[off:off + len(data)] = data
    m.flush()
    m.close()

def opendir(name, path):
    d = libc.opendir(os.fsencode(path))
    if not d:
        c(-1)
    dirs[name] = d

def readdir(d):
    ctypes.set_errno(0)
    p = libc.readdir64(d)
    if not p:
        c(-1 if ctypes.get_errno() else 0)
        return None
    name = ctypes.string_at(p + 19).decode()
    return (name, D_TYPES.get(ctypes.c_uint8.from_address(p + 18).value, 'unknown'), ctypes.c_uint64.from_address(p).value)

def readrest(d):
    out = []
    while (e := readdir(d)) is not None:
        if e[0] not in ('.', '..'):
            out.append(e)
    return sorted(out, key=lambda e: e[0].encode())

def listdir(path):
    d = libc.opendir(os.fsencode(path))
    if not d:
        c(-1)
    try:
        return readrest(d)
    finally:
        libc.closedir(d)

def telldir(d):
    v = c(libc.telldir(d))
    if v not in told:
        told.append(v)
    return v

def seekdir(d, n):
    libc.seekdir(d, told[n - 1] if n <= len(told) else -1)

def closedir(name):
    return c(libc.closedir(dirs.pop(name)))

def as_user(uid, gid, f):
    os.setgroups([])
    os.setresgid(gid, gid, 0)
    os.setresuid(uid, uid, 0)
    try:
        return f()
    finally:
        os.setresuid(0, 0, 0)
        os.setresgid(0, 0, 0)

def remount():
    for f in fds.values():
        os.close(f)
    for d in dirs.values():
        libc.closedir(d)
    for p, pages in maps.values():
        libc.munmap(p, pages)
    for f in held:
        os.close(f)
    fds.clear()
    dirs.clear()
    maps.clear()
    held.clear()
    os.chdir('/')
    subprocess.run(['bash', '-c', UNMOUNT + ' && ' + MOUNT], check=True)
    os.chdir(MNT)

def time_text(ns):
    if ns == 1234567890_500000000:
        return 'T0'
    if ns < 1_500_000_000_000000000:
        return f'{ns // 1_000_000_000}.{ns % 1_000_000_000:09d}'
    return 'future' if ns >= 2_000_000_000_000000000 else 'now'

def stat_text(s):
    kind = KINDS[stat.S_IFMT(s.st_mode)]
    parts = [kind, f'{s.st_mode & 0o7777:04o}', f'{s.st_uid}:{s.st_gid}']
    if kind in ('chr', 'blk'):
        parts.append(f'rdev={os.major(s.st_rdev)}:{os.minor(s.st_rdev)}')
    if kind != 'dir':
        parts += [f'size={s.st_size}', f'nlink={s.st_nlink}']
    return ' '.join(parts + [alias('ino', s.st_ino), 'mtime=' + time_text(s.st_mtime_ns)])

def bytes_text(b):
    try:
        t = b.decode()
    except UnicodeDecodeError:
        t = None
    if t is not None and len(b) <= 64 and not re.search('[\x00-\x08\x0e-\x1f]', t):
        return json.dumps(t, ensure_ascii=False)
    return f'<{len(b)} bytes>'

def entry_text(e):
    return f'{e[0]}:{e[1]}:{alias("ino", e[2])}'

ANSWER = {
    'int': lambda v: '0' if v is None else str(v),
    'handle': lambda v: '0',
    'bytes': bytes_text,
    'text': lambda v: json.dumps(v, ensure_ascii=False),
    'stat': stat_text,
    'nlink': lambda v: str(v.st_nlink),
    'entry': lambda v: 'end' if v is None else entry_text(v),
    'entries': lambda v: '[' + ' '.join(entry_text(e) for e in v) + ']',
    'names': lambda v: '[' + ' '.join(sorted(v)) + ']',
    'pos': lambda v: alias('pos', v),
}
ERRNO_NAMES = {errno.EOPNOTSUPP: 'EOPNOTSUPP', errno.EAGAIN: 'EAGAIN', errno.EDEADLK: 'EDEADLK', 524: 'ENOTSUPP'}

def step(text, answer, call, cred=None):
    try:
        v = as_user(*cred, call) if cred else call()
        out = ANSWER[answer](v)
    except OSError as e:
        out = ERRNO_NAMES.get(e.errno) or errno.errorcode.get(e.errno, str(e.errno))
    print(f'{text} = {out}', flush=True)

def before(paths):
    for p in paths:
        try:
            alias('ino', os.lstat(P(p)).st_ino)
        except OSError:
            pass

MNT, MOUNT, UNMOUNT = os.environ['MNT'], os.environ['MOUNT'], os.environ['UNMOUNT']
os.chdir(MNT)
