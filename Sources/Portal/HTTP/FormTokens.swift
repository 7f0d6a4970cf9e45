import Crypto
import Foundation
import Registration
import SeleksiAuth
import SeleksiCore

/// The CSRF tokens of the forms shown before login (sign-up, sign-in, password reset).
/// There is no session to bind them to, so the server signs each one (HMAC-SHA256 with a
/// key of its own, kept in the data folder): a cookie planted from elsewhere with a value
/// of the attacker's choosing does not verify, and a token expires after a day. The
/// `Origin` check (`SameOriginMiddleware`) is what stops a foreign site from posting one.
struct FormTokens: Sendable {
    let keyBytes: [UInt8]
    let clock: any ServerClock

    init(key: [UInt8], clock: any ServerClock) {
        keyBytes = key
        self.clock = clock
    }

    var key: SymmetricKey { SymmetricKey(data: keyBytes) }
    static let lifetimeMilliseconds: Int64 = 24 * 3_600_000

    /// The key in `folder/form-token.key`, made (readable only by this user) on first start.
    static func key(in folder: String) throws -> [UInt8] {
        do {
            return try SecretKeyFile.loadOrCreate(path: folder + "/form-token.key")
        } catch {
            throw RegistrationError("form-token-key", kind: .internal, "Kunci token formulir: \(error.message)")
        }
    }

    func issue() -> String {
        let body = "\(clock.nowMilliseconds()).\(SecretToken.generate().text)"
        return body + "." + Hex.encode(HMAC<SHA256>.authenticationCode(for: Data(body.utf8), using: key))
    }

    func isValid(_ token: String) -> Bool {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let issued = Int64(parts[0]), let mac = Hex.decode(String(parts[2])) else { return false }
        let age = clock.nowMilliseconds() - issued
        guard age >= -60_000, age < Self.lifetimeMilliseconds else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: Data("\(parts[0]).\(parts[1])".utf8), using: key)
    }
}
