import Foundation
import Testing

/// The shipped nginx configuration (`deploy/nginx/seleksi-portal.conf`) is one nginx
/// accepts: `nginx -t` on it, with the certificate and cache paths pointed at a scratch
/// folder, as an operator's `nginx -t` would check it after copying it in.
extension EndToEndTests {
    @Test("deploy/nginx/seleksi-portal.conf passes nginx -t")
    func nginxConfiguration() throws {
        let nginx = which("nginx") ?? (FileManager.default.isExecutableFile(atPath: "/usr/sbin/nginx") ? "/usr/sbin/nginx" : nil)
        guard requireTools(["nginx": nginx]), let nginx else { return }
        let folder = NSTemporaryDirectory() + "seleksi-nginx-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder + "/logs", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try HandoffEndToEndTests.LivePortal.issueCertificate(in: folder)
        let shipped = try String(contentsOfFile: repositoryRoot + "/deploy/nginx/seleksi-portal.conf", encoding: .utf8)
        let local =
            shipped
            .replacingOccurrences(of: "/etc/seleksi/tls/fullchain.pem", with: folder + "/portal.pem")
            .replacingOccurrences(of: "/etc/seleksi/tls/privkey.pem", with: folder + "/portal-key.pem")
            .replacingOccurrences(of: "/etc/seleksi/tls/instances-ca.pem", with: folder + "/ca.pem")
            .replacingOccurrences(of: "/var/cache/nginx/seleksi-board", with: folder + "/cache")
        #expect(local != shipped)
        try local.write(toFile: folder + "/seleksi-portal.conf", atomically: true, encoding: .utf8)
        let main = """
            pid \(folder)/nginx.pid;
            error_log \(folder)/logs/error.log;
            events {}
            http {
                access_log off;
                include \(folder)/seleksi-portal.conf;
            }
            """
        try main.write(toFile: folder + "/nginx.conf", atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: nginx)
        process.arguments = ["-t", "-p", folder + "/", "-c", folder + "/nginx.conf"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0 && printed.contains("test is successful"), "\(printed)")
        // Nothing the check could let pass silently: every path the file names was replaced.
        #expect(!local.contains("/etc/seleksi") && !local.contains("/var/cache"))
    }
}
