import ArgumentParser
import Foundation
import Portal
import Registration
import SeleksiStorage
import Testing

@testable import SeleksiCommands

/// `seleksi portal backup`: a consistent copy of the live store through SQLite's online
/// backup API, restored the way the runbook says and read back.
@Suite("Backup and restore")
struct BackupTests {
    @Test("a backup taken while the portal runs and writes restores to the data as it was, and never overwrites a file")
    func portalBackupAndRestore() async throws {
        let folder = NSTemporaryDirectory() + "seleksi-backup-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let config = repositoryRoot + "/Config/portal.yaml"
        var settings = try PortalSettings.load(file: config)
        settings.data = folder + "/data"
        let service = try PortalServer.openService(settings: settings)
        try await service.addAgency(staff: nil, Agency(id: "bkn", name: "Badan Kepegawaian Negara"))

        // While the store is open (its WAL holding the write): through the command line.
        let file = folder + "/cadangan.sqlite"
        var command = try PortalCommand.Backup.parse(["--portal-config", config, "--data", settings.data, "--to", file])
        try await command.run()
        // Written after the backup: not in it.
        try await service.addAgency(staff: nil, Agency(id: "kemenkeu", name: "Kementerian Keuangan"))
        #expect(FileManager.default.fileExists(atPath: file))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.contains(".sebagian") }.isEmpty)

        // Never over an existing file; a missing store is named.
        var again = try PortalCommand.Backup.parse(["--portal-config", config, "--data", settings.data, "--to", file])
        await #expect(throws: (any Error).self) { try await again.run() }
        #expect(throws: SQLiteBackup.Failure.self) { try SQLiteBackup.copy(from: folder + "/tidak-ada.sqlite", to: folder + "/x.sqlite") }

        // Restore as the runbook says: the copy becomes portal.sqlite in a data folder, the portal starts on it.
        var restored = settings
        restored.data = folder + "/pulih"
        try FileManager.default.createDirectory(atPath: restored.data, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: file, toPath: restored.data + "/portal.sqlite")
        let back = try PortalServer.openService(settings: restored)
        #expect(try await back.agencies().map(\.id) == ["bkn"])
        #expect(try await service.agencies().map(\.id).sorted() == ["bkn", "kemenkeu"])
        let report = try SQLiteBackup.copy(from: settings.data + "/portal.sqlite", to: folder + "/kedua.sqlite")
        #expect(report.rows["agency"] == 2 && report.bytes > 0, "\(report.rows)")
    }
}
