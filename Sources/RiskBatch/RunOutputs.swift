// The files a run writes, handled as one set:
// - before anything is opened for writing, every output path is compared with the inputs and
//   with the other outputs by file identity (device and inode of existing files; the resolved
//   parent folder and name of files not yet there), so `--rejects IN`, `-o IN` or
//   `--manifest X -o X` are refused instead of destroying a file;
// - each output is written to a hidden temporary file beside its target (created exclusively,
//   mode 0600, never in /tmp) and all are renamed to their targets together at the end, only when
//   the whole run succeeded; on failure every temporary file is removed;
// - SIGINT and SIGTERM remove the live temporary files and end the process with 130 / 143.
import Dispatch
import Foundation

/// The inputs and outputs of one run; see the file comment.
public final class RunOutputs: @unchecked Sendable {
    /// A path of the run and what it is (`input`, `--output`, `--rejects`, `--manifest`, …).
    public struct Path: Sendable {
        public var role: String
        public var path: String
        public init(_ role: String, _ path: String) {
            self.role = role
            self.path = path
        }
    }

    private let targets: [Path]
    private var temps: [String: String] = [:]
    private var descriptors: [String: Int32] = [:]
    private var committed = false

    /// Checks that no output is an input or another output; opens nothing. Paths `-` (standard
    /// input or output) are not files and are left out.
    public init(inputs: [Path], outputs: [Path]) throws(BatchError) {
        var seen: [FileIdentity: Path] = [:]
        for p in inputs where p.path != "-" {
            guard let id = FileIdentity(p.path) else { continue }
            if seen[id] == nil { seen[id] = p }
        }
        for p in outputs where p.path != "-" {
            guard let id = FileIdentity(p.path) else {
                throw .cannotCreateOutput(path: p.path, reason: "its folder does not exist")
            }
            if let other = seen[id] { throw .sameFile(role: p.role, otherRole: other.role, path: p.path) }
            seen[id] = p
        }
        targets = outputs.filter { $0.path != "-" }
    }

    deinit { discard() }

    /// Creates the temporary file for output `path` (one of the outputs given at creation) and
    /// returns its descriptor; the set closes it.
    public func open(_ path: String) throws(BatchError) -> Int32 {
        if let fd = descriptors[path] { return fd }
        precondition(targets.contains { $0.path == path }, "not an output of this run")
        let target = URL(fileURLWithPath: path)
        let folder = target.deletingLastPathComponent().path
        for _ in 0..<16 {
            let temp = folder + "/." + target.lastPathComponent + ".riskengine-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).tmp"
            // Registered before it exists, so a signal between open and registration cannot miss it.
            TemporaryFiles.shared.register(temp)
            let fd = Foundation.open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
            if fd >= 0 {
                temps[path] = temp
                descriptors[path] = fd
                return fd
            }
            let err = errno
            TemporaryFiles.shared.unregister(temp)
            if err != EEXIST { throw .cannotCreateOutput(path: path, reason: String(cString: strerror(err))) }
        }
        throw .cannotCreateOutput(path: path, reason: "no free temporary name")
    }

    /// A sink writing to output `path`'s temporary file.
    public func sink(_ path: String) throws(BatchError) -> FileDescriptorSink {
        FileDescriptorSink(fd: try open(path))
    }

    /// Writes a whole output at once (e.g. the manifest).
    public func write(_ bytes: [UInt8], to path: String) throws(BatchError) {
        var s = try sink(path)
        try s.write(bytes)
    }

    /// The temporary file of output `path`, once opened (e.g. to read back an intermediate file).
    /// Writes each text to its path's temporary file, then commits the whole set.
    public func write(_ files: [(path: String, text: String)]) throws(BatchError) {
        for f in files { try write(Array(f.text.utf8), to: f.path) }
        try commit()
    }

    public func temporaryPath(_ path: String) -> String? { temps[path] }

    /// Closes every temporary file and renames each to its target, all under one lock so a
    /// signal sees either every temporary file or none. On a failure the remaining temporary
    /// files are removed and the error is thrown.
    public func commit() throws(BatchError) {
        for (path, fd) in descriptors {
            if fsync(fd) != 0 && errno != EINVAL {
                let reason = String(cString: strerror(errno))
                discard()
                throw .writeFailed(reason: "\(path): \(reason)")
            }
            close(fd)
        }
        descriptors = [:]
        let pending = targets.compactMap { t in temps[t.path].map { (t.path, $0) } }
        let failure: BatchError? = TemporaryFiles.shared.whileLocked { () -> BatchError? in
            for (k, (target, temp)) in pending.enumerated() {
                if rename(temp, target) != 0 {
                    let reason = String(cString: strerror(errno))
                    for (_, t) in pending[k...] { unlink(t) }
                    return .cannotCreateOutput(path: target, reason: reason)
                }
            }
            return nil
        }
        for (_, temp) in pending { TemporaryFiles.shared.unregister(temp) }
        temps = [:]
        committed = true
        if let failure { throw failure }
    }

    /// Removes every temporary file (the run failed); nothing is left under any target name.
    public func discard() {
        for (_, fd) in descriptors { close(fd) }
        descriptors = [:]
        for (_, temp) in temps {
            unlink(temp)
            TemporaryFiles.shared.unregister(temp)
        }
        temps = [:]
    }

    /// Installs the SIGINT and SIGTERM handlers (once per process): the live temporary files are
    /// removed and the process exits with 130 (SIGINT) or 143 (SIGTERM). The signals are ignored
    /// at the C level and delivered to a dispatch queue, so the clean-up is ordinary Swift code.
    public static func removeTemporaryFilesOnInterrupt() {
        TemporaryFiles.shared.installSignalHandlers()
    }

    /// Live temporary files (tests).
    public static var liveTemporaryFiles: [String] { TemporaryFiles.shared.live }
}

/// The identity of a path for collision checks: device and inode of an existing file (a
/// symbolic or hard link to the input is the input), else the resolved folder and the name.
struct FileIdentity: Hashable {
    enum Key: Hashable {
        case inode(dev: UInt64, ino: UInt64)
        case path(String)
    }
    let key: Key

    /// Nil when the path does not exist and neither does its folder.
    init?(_ path: String) {
        var st = stat()
        if stat(path, &st) == 0 {
            key = .inode(dev: UInt64(st.st_dev), ino: UInt64(st.st_ino))
            return
        }
        let url = URL(fileURLWithPath: path)
        guard let folder = realpath(url.deletingLastPathComponent().path, nil) else { return nil }
        defer { free(folder) }
        key = .path(String(cString: folder) + "/" + url.lastPathComponent)
    }
}

/// The process-wide registry of temporary files being written, for the signal handlers.
final class TemporaryFiles: @unchecked Sendable {
    static let shared = TemporaryFiles()
    private let lock = NSLock()
    private var paths = Set<String>()
    private var sources: [DispatchSourceSignal] = []
    private let queue = DispatchQueue(label: "riskengine.signals")

    func register(_ path: String) {
        lock.lock()
        paths.insert(path)
        lock.unlock()
    }

    func unregister(_ path: String) {
        lock.lock()
        paths.remove(path)
        lock.unlock()
    }

    var live: [String] {
        lock.lock()
        defer { lock.unlock() }
        return paths.sorted()
    }

    func whileLocked<T>(_ body: () -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body()
    }

    func installSignalHandlers() {
        lock.lock()
        defer { lock.unlock() }
        guard sources.isEmpty else { return }
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: queue)
            source.setEventHandler { [self] in
                // Holding the lock until exit: a commit in progress finishes first (then there
                // is nothing to remove), and no new temporary file appears meanwhile.
                lock.lock()
                for p in paths { unlink(p) }
                _exit(128 + sig)
            }
            source.resume()
            sources.append(source)
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
