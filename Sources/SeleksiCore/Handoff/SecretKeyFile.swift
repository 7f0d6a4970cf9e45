import Foundation

/// A 32-byte secret a service keeps in its data folder (a signing key, the form-token key,
/// the access-code key), made on first start, readable only by the service's user. An
/// existing file that others may read, or that is not such a key, is refused and never
/// replaced: a new key would void what the old one made or signed.
public enum SecretKeyFile {
    public static func loadOrCreate(path: String) throws(SecretKeyFileError) -> [UInt8] {
        if FileManager.default.fileExists(atPath: path) {
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: path), let mode = attributes[.posixPermissions] as? Int,
                let data = FileManager.default.contents(atPath: path)
            else { throw SecretKeyFileError(message: "berkas kunci \(path) tidak dapat dibaca") }
            guard mode & 0o077 == 0 else {
                throw SecretKeyFileError(message: "berkas kunci \(path) dapat dibaca pengguna lain (mode \(String(mode, radix: 8))); jalankan chmod 600")
            }
            guard data.count == 32 else { throw SecretKeyFileError(message: "berkas kunci \(path) rusak (bukan 32 byte); pulihkan dari cadangan") }
            return [UInt8](data)
        }
        do {
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        } catch {
            throw SecretKeyFileError(message: "folder untuk kunci \(path) tidak dapat dibuat; periksa izin folder data")
        }
        var generator = SystemRandomNumberGenerator()
        let key = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        // O_EXCL: of two processes starting together, one writes and the other reads it.
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else {
            if errno == EEXIST, let data = FileManager.default.contents(atPath: path), data.count == 32 { return [UInt8](data) }
            throw SecretKeyFileError(message: "kunci \(path) tidak dapat dibuat; periksa izin folder data")
        }
        defer { close(descriptor) }
        guard write(descriptor, key, key.count) == key.count, fsync(descriptor) == 0 else {
            unlink(path)
            throw SecretKeyFileError(message: "kunci \(path) tidak dapat ditulis")
        }
        return key
    }
}

public struct SecretKeyFileError: Error, Sendable, Hashable, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
