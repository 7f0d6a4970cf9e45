import Foundation
import Testing

@testable import Registration

@Suite("Document files: a committed document is never rewritten")
struct DocumentFilesTests {
    @Test("a second upload of the same content leaves the committed file untouched: same inode, same modification time, and nothing left behind")
    func sameContentAgain() async throws {
        let folder = NSTemporaryDirectory() + "seleksi-docs-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let bytes = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let path = folder + "/ab/ab12-ijazah.pdf"
        try DocumentFiles.writeContentAddressed(bytes, to: path)
        var before = stat()
        #expect(stat(path, &before) == 0)
        // Concurrent uploads of the same file (two tabs, a retry).
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<4 { group.addTask { try DocumentFiles.writeContentAddressed(bytes, to: path) } }
            try await group.waitForAll()
        }
        var after = stat()
        #expect(stat(path, &after) == 0)
        #expect(after.st_ino == before.st_ino)
        #expect(after.st_mtim.tv_sec == before.st_mtim.tv_sec && after.st_mtim.tv_nsec == before.st_mtim.tv_nsec, "the committed document was written again")
        #expect(FileManager.default.contents(atPath: path).map { [UInt8]($0) } == bytes)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder + "/ab") == ["ab12-ijazah.pdf"])
    }

    @Test("new content appears under its name whole, through a temporary file")
    func newContent() throws {
        let folder = NSTemporaryDirectory() + "seleksi-docs-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/cd/cd34-foto.jpg"
        try DocumentFiles.writeContentAddressed([1, 2, 3], to: path)
        #expect(FileManager.default.contents(atPath: path) == Data([1, 2, 3]))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder + "/cd") == ["cd34-foto.jpg"])
    }
}
