import ArgumentParser
import Foundation
import Selection

/// `seleksi verify-announcement FILE…`: recomputes each downloaded announcement's digest
/// from its content, and, given several versions, checks that each names the one before.
struct VerifyAnnouncementCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify-announcement",
        abstract: "Memeriksa pengumuman yang diunduh dari papan hasil: digest tiap versi dihitung ulang, dan rantai antarversi bila diberi beberapa berkas."
    )

    @Argument(help: "Berkas pengumuman (pengumuman-skd-vN.json), satu atau beberapa versi.") var files: [String]

    func run() throws {
        var published: [PublishedAnnouncement] = []
        var uncovered: Set<Int> = []
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else {
                print("\(file): berkas tidak dapat dibaca")
                throw ExitCode(2)
            }
            guard let (announcement, extra) = AnnouncementCheck.read(data) else {
                print("\(file): bukan berkas pengumuman (JSON dengan digest dan announcement)")
                throw ExitCode(2)
            }
            published.append(announcement)
            if extra { uncovered.insert(announcement.announcement.version) }
        }
        let findings = AnnouncementCheck.verify(published).map { finding in
            guard uncovered.contains(finding.version) else { return finding }
            let problem = "berkas memuat isi yang tidak tercakup digest (kolom tambahan atau nilai yang ditulis lain)"
            return AnnouncementCheck.Finding(version: finding.version, problem: [finding.problem, problem].compactMap { $0 }.joined(separator: "; "))
        }
        for finding in findings {
            let announcement = published.first { $0.announcement.version == finding.version }!.announcement
            if let problem = finding.problem {
                print("versi \(finding.version): TIDAK SAH: \(problem)")
            } else {
                print(
                    "versi \(finding.version): sah, digest \(announcement.digest)\(announcement.previousDigest.map { ", menyambung \($0)" } ?? ""), \(announcement.rows.count) peserta"
                )
            }
        }
        if findings.contains(where: { $0.problem != nil }) { throw ExitCode(1) }
    }
}
