import Foundation
import ZIPFoundation

/// A zipped content package (as TAO, Citolab and most tools export), unpacked into a
/// private scratch folder before it is read like a folder. Never anything outside that
/// folder (`..`, an absolute path, a link), never more bytes or files than a bank could
/// hold: the limits count what is actually inflated, not what the headers claim.
enum QTIZip {
    /// Inflated bytes a package may hold in all.
    static let maximumBytes = 512 * 1024 * 1024
    static let maximumEntries = QTISources.maximumFiles

    struct TooLarge: Error {}

    /// Unpacks `zip` into `folder` (which exists and is empty); the problem, if any.
    static func unpack(_ zip: String, into folder: String, maximumBytes: Int = maximumBytes) -> BankProblem? {
        func problem(_ code: String, _ message: String) -> BankProblem { BankProblem(code: code, file: zip, line: nil, message: message) }
        let archive: Archive
        do {
            archive = try Archive(url: URL(fileURLWithPath: zip), accessMode: .read)
        } catch {
            return problem("bad-zip", "bukan berkas .zip yang dapat dibaca (\(error))")
        }
        var inflated = 0
        var count = 0
        var seen: Set<String> = []
        for entry in archive {
            count += 1
            guard count <= maximumEntries else { return problem("too-many-files", "lebih dari \(maximumEntries) berkas di paket") }
            let path = entry.path
            let parts = path.split(separator: "/", omittingEmptySubsequences: false)
            guard !path.hasPrefix("/"), !path.contains("\\"), !path.contains(":"), !parts.contains("..") else {
                return problem("outside-package", "entri '\(path)' menunjuk ke luar paket; paket ditolak seluruhnya")
            }
            // One entry per path: a second one (or `a//b` beside `a/b`) would replace the first unseen.
            let normalised = parts.filter { !$0.isEmpty && $0 != "." }.joined(separator: "/")
            guard seen.insert(normalised).inserted else { return problem("duplicate-entry", "entri '\(path)' ada dua kali di paket; paket ditolak seluruhnya") }
            switch entry.type {
            case .directory: continue
            case .symlink: return problem("outside-package", "entri '\(path)' adalah tautan; paket ditolak seluruhnya")
            case .file: break
            }
            let target = folder + "/" + path
            do {
                try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                guard FileManager.default.createFile(atPath: target, contents: nil), let handle = FileHandle(forWritingAtPath: target) else {
                    return problem("bad-zip", "entri '\(path)' tidak dapat diekstrak")
                }
                defer { try? handle.close() }
                _ = try archive.extract(entry) { chunk in
                    inflated += chunk.count
                    guard inflated <= maximumBytes else { throw TooLarge() }
                    try handle.write(contentsOf: chunk)
                }
            } catch is TooLarge {
                return problem("zip-too-large", "isi paket lebih dari \(maximumBytes / 1_048_576) MB setelah diekstrak")
            } catch {
                return problem("bad-zip", "entri '\(path)' tidak dapat diekstrak (\(error))")
            }
        }
        return nil
    }
}
