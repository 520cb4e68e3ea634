# The field families' steps (mappings, locks, data between fds, running a file,
# which filesystem answers, openat, seekscan), as the executor makes them
# (harness/executor/ops.ts and the files it names), printed as the transcript does.
import fcntl, signal, struct

libc.mmap.restype = ctypes.c_void_p
libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_long]
libc.msync.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
libc.read.restype = libc.write.restype = ctypes.c_ssize_t
libc.read.argtypes = libc.write.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_size_t]
libc.fallocate64.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int64, ctypes.c_int64]
libc.linkat.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
libc.faccessat.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_int]
libc.statfs64.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
libc.fstatfs64.argtypes = [ctypes.c_int, ctypes.c_char_p]
libc.syscall.restype = ctypes.c_long

PAGE = mmap.PAGESIZE
MAP_FAILED = ctypes.c_void_p(-1).value
MS_SYNC = 4
FALLOC_FL_KEEP_SIZE, FALLOC_FL_PUNCH_HOLE, FALLOC_FL_ZERO_RANGE = 0x01, 0x02, 0x10
AT_SYMLINK_NOFOLLOW, AT_EACCESS, AT_SYMLINK_FOLLOW = 0x100, 0x200, 0x400
FICLONE = 0x40049409
SYS_openat2, RESOLVE_NO_MAGICLINKS, RESOLVE_BENEATH = 437, 0x02, 0x08
AT_FDCWD = -100

def mapping(name):
    if name not in maps:
        raise OSError(errno.EBADF, 'unknown map')
    return maps[name]

def mapfile(name, f, length, prot, kind):
    pages = max(1, -(-length // PAGE)) * PAGE
    p = libc.mmap(None, pages, prot, kind, f, 0)
    if p == MAP_FAILED:
        c(-1)
    maps[name] = (p, pages)

# A mapping's bytes go through a pipe, so that a page past the end of the file is EFAULT, not SIGBUS.
def through_pipe(f):
    r, w = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        return f(r, w)
    finally:
        os.close(r)
        os.close(w)

def mmapread(m, off, length):
    def copy(r, w):
        n = c(libc.write(w, m[0] + off, length))
        return os.read(r, n)
    return through_pipe(copy) if length else b''

def mmapstore(m, off, data):
    def copy(r, w):
        os.write(w, data)
        n = c(libc.read(r, m[0] + off, len(data)))
        if n == 0:
            raise OSError(errno.EFAULT, 'mmapstore')
        return n
    return through_pipe(copy) if data else 0

def munmap(name):
    p, pages = mapping(name)
    del maps[name]
    return c(libc.munmap(p, pages))

def lock_struct(kind, start, length):
    return struct.pack('hhxxxxqqixxxx', kind, os.SEEK_SET, start, length, 0)

def setlk(f, ofd, kind, start, length):
    fcntl.fcntl(f, fcntl.F_OFD_SETLK if ofd else fcntl.F_SETLK, lock_struct(kind, start, length))
    return 0

# Whether a lock excludes a writer on another open file description: a new one is opened
# (flock locks belong to it; F_OFD_GETLK on it sees POSIX locks of this very process too).
def lockprobe(path, kind):
    f = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    held.append(f)
    if kind == 'flock':
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return 'locked'
        fcntl.flock(f, fcntl.LOCK_UN)
        return 'free'
    got = fcntl.fcntl(f, fcntl.F_OFD_GETLK, lock_struct(fcntl.F_WRLCK, 0, 0))
    return 'free' if struct.unpack_from('h', got)[0] == fcntl.F_UNLCK else 'locked'

def fallocate(f, mode, off, length):
    return c(libc.fallocate64(f, mode, off, length))

def linkfd(f, path):
    return c(libc.linkat(-100, f'/proc/self/fd/{f}'.encode(), -100, os.fsencode(path), AT_SYMLINK_FOLLOW))

# read(2) into page-aligned memory, as O_DIRECT needs
def dread(f, length):
    buf = mmap.mmap(-1, max(1, -(-length // PAGE)) * PAGE)
    try:
        n = os.readv(f, [memoryview(buf)[:length]])
        return buf[:n]
    finally:
        buf.close()

# The file runs as /proc/self/fd/3 from / for at most 3 s, as nobody unless a step's user runs it.
def execfile(path):
    f = os.open(path, os.O_PATH)
    def as_fd3():
        os.dup2(f, 3)
        os.set_inheritable(3, True)
    user = {'user': 65534, 'group': 65534, 'extra_groups': []} if os.geteuid() == 0 else {}
    try:
        r = subprocess.run(['/proc/self/fd/3'], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                           cwd='/', env={'PATH': '/usr/bin:/bin'}, timeout=3, close_fds=False, preexec_fn=as_fd3, **user)
    except subprocess.TimeoutExpired as e:
        return 'killed out=' + json.dumps((e.output or b'').decode(errors='replace'), ensure_ascii=False)
    finally:
        os.close(f)
    out = json.dumps(r.stdout.decode(errors='replace'), ensure_ascii=False)
    if r.returncode == -signal.SIGKILL:
        return f'killed out={out}'
    return f'signal={signal.Signals(-r.returncode).name} out={out}' if r.returncode < 0 else f'exit={r.returncode} out={out}'

FS_NAMES = {0x794c7630: 'overlayfs', 0x65735546: 'fuse', 0x01021994: 'tmpfs', 0xef53: 'ext4', 0x58465342: 'xfs',
            0x9123683e: 'btrfs', 0x61756673: 'aufs'}

# struct statfs on x86_64: f_type @0, f_bsize @8, f_blocks @16, f_fsid @56, f_namelen @64
def statfs_buffer(call, what):
    b = ctypes.create_string_buffer(120)
    c(call(what, b))
    return b.raw

def statfs_of(call, what):
    b = statfs_buffer(call, what)
    kind, bsize, blocks = struct.unpack_from('qqQ', b, 0)
    fsid, namelen = struct.unpack_from('Qq', b, 56)
    return kind, (bsize, blocks, fsid), namelen

def statfs_text(call, what):
    kind, identity, namelen = statfs_of(call, what)
    root_kind, root_identity, _ = statfs_of(libc.statfs64, os.fsencode(P('')))
    name = 'root' if kind == root_kind else FS_NAMES.get(kind, f'0x{kind:x}')
    return f'type={name} namelen={namelen} fs={"root" if identity == root_identity else "other"}'

def statfs(path):
    return statfs_text(libc.statfs64, os.fsencode(path))

def fstatfs(f):
    return statfs_text(libc.fstatfs64, f)

def stdev(path):
    return 'root' if os.lstat(path).st_dev == os.stat(P('')).st_dev else 'other'

def faccessat(path, mode, flags):
    if mode & ~0o7:
        raise OSError(errno.EINVAL, 'faccessat')
    return c(libc.faccessat(AT_FDCWD, os.fsencode(path), mode, flags))

# openat2(2) beneath the held directory: the name cannot climb out of it
def openat(dirfd, name, flags, mode):
    how = struct.pack('QQQ', flags | os.O_CLOEXEC, mode, RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS)
    return c(libc.syscall(SYS_openat2, dirfd, os.fsencode(name), how, len(how)))

def fchdir(f):
    global moved
    os.fchdir(f)
    moved = True

COUNT_NAMES = ('bsize', 'blocks', 'bfree', 'bavail', 'files', 'ffree')

def counts_of(f):
    return struct.unpack_from('6q', statfs_buffer(libc.fstatfs64, f), 8)

# which of statfs()'s counts of the object equal those of the top layer's directory: object, upper,
# object again until the object's two agree; on the upper's own filesystem (plain) by identity
def upperfree(path, upper):
    f, u = os.open(path, os.O_PATH), os.open(upper, os.O_PATH | os.O_DIRECTORY)
    try:
        if os.fstat(f).st_dev == os.fstat(u).st_dev:
            return ' '.join(f'{k}=upper' for k in COUNT_NAMES)
        for i in range(20):
            before, up, after = counts_of(f), counts_of(u), counts_of(f)
            if before == after or i == 19:
                return ' '.join(f'{k}={"upper" if b == x else "other"}' for k, b, x in zip(COUNT_NAMES, before, up))
    finally:
        os.close(f)
        os.close(u)

# telldir before every `every`-th entry, then seekdir back to each: the entry read there must be the same
def seekscan(d, every):
    libc.rewinddir(d)
    marks, names, entries = [], set(), 0
    while True:
        pos = libc.telldir(d) if entries % every == 0 else None
        e = readdir(d)
        if e is None:
            break
        if pos is not None:
            marks.append((pos, e[0]))
        names.add(e[0])
        entries += 1
    wrong = 0
    for pos, name in marks:
        libc.seekdir(d, pos)
        e = readdir(d)
        wrong += e is None or e[0] != name
    return f'entries={entries} names={len(names)} seeks={len(marks)} wrong={wrong}'
