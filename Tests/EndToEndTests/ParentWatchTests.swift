import Foundation
import SeleksiCommands
import Testing

#if canImport(Glibc)
import Glibc
#endif

extension EndToEndTests {
    @Test("a seleksi started by a test ends when what started it ends: a crashed run leaves no server behind")
    func childEndsWithParent() throws {
        guard requireTools(["sh": which("sh"), "seleksi": seleksiBinary]) else { return }
        let node = NodeProcess()
        let ports = NodeProcess.freePorts(4).map(String.init)
        let pidFile = node.data + ".pid"
        defer { try? FileManager.default.removeItem(atPath: pidFile) }
        // The shell starts the server in the background (to outlive the shell by no more
        // than a moment), notes its pid and ends at once, as a test process would if it
        // crashed; maybe before the server has even begun.
        let script = """
            SELEKSI_EXIT_WITH_PARENT=$$ "$0" serve --demo --data "$1" --https-port "$2" --http-port "$3" --portal-https-port "$4" --portal-http-port "$5" > "$1.log" 2>&1 &
            echo $! > "$6"
            """
        // Spawned and reaped here, not through Foundation's Process, which waits for a
        // descriptor the backgrounded server would inherit and keep open.
        let arguments = [which("sh")!, "-c", script, seleksiBinary!, node.data] + ports + [pidFile]
        var shell: pid_t = 0
        let spawned = withCStrings(arguments) { argv in posix_spawn(&shell, arguments[0], nil, nil, argv, environ) }
        #expect(spawned == 0)
        var status: Int32 = 0
        waitpid(shell, &status, 0)
        let pid = try #require(Int32((try String(contentsOfFile: pidFile, encoding: .utf8)).trimmingCharacters(in: .whitespacesAndNewlines)))
        defer { Foundation.kill(pid, SIGKILL) }
        // It notices within a second or so; waited for with a deadline, not a fixed sleep.
        let deadline = Date().addingTimeInterval(20)
        while ParentWatch.running(pid), Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
        #expect(!ParentWatch.running(pid), "seleksi \(pid) still runs after its parent ended:\n\(node.printed)")
        #expect(node.printed.contains("proses induk"), "\(node.printed)")
    }
}

/// `body` with `strings` as a NULL-terminated C array (an `argv`).
func withCStrings<T>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> T) -> T {
    let pointers = strings.map { strdup($0) } + [nil]
    defer { for pointer in pointers { free(pointer) } }
    return body(pointers)
}
