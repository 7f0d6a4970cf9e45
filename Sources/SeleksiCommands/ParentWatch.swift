import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A child process that must not outlive what started it: with `SELEKSI_EXIT_WITH_PARENT`
/// set to a process id, the process ends once that process has gone. A test harness sets
/// it to its own id, so a test run that crashes leaves no server holding its ports and
/// data; a service manager has no need of it. Linux's `PR_SET_PDEATHSIG` would say the
/// same, but it follows the parent's thread, not its process; and watching our parent
/// would miss one that ended before this process started.
public enum ParentWatch {
    public static let variable = "SELEKSI_EXIT_WITH_PARENT"

    /// Starts watching if the environment names a process to outlive by no more than a moment.
    public static func startIfAsked() {
        guard let text = ProcessInfo.processInfo.environment[variable], let watched = Int32(text), watched > 1 else { return }
        Thread.detachNewThread {
            while running(watched) { Thread.sleep(forTimeInterval: 0.25) }
            FileHandle.standardError.write(Data("seleksi: proses induk \(watched) berakhir; berhenti juga.\n".utf8))
            exit(70)
        }
    }

    /// Whether `pid` still runs. One that has ended but is not reaped yet (a zombie: a
    /// container's first process often reaps nothing) has ended.
    public static func running(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let state = stat.split(separator: ")").last?.split(separator: " ").first
        else { return false }
        return state != "Z" && state != "X"
    }
}
