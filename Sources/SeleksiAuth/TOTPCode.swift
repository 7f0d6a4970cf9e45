public import Foundation
import HummingbirdOTP

/// Authenticator codes (RFC 6238, 30-second steps) for staff and proctors.
public enum TOTPCode {
    /// The step whose code matches, trying the previous, current and next step (a phone's
    /// clock a little off); nil when none does. A caller accepts a step only once, and only
    /// after the last one it accepted, so a code seen over a shoulder cannot be replayed.
    public static func step(secret: String, code: String, now: Int64) -> Int64? {
        let digits = code.filter { !$0.isWhitespace }
        guard let value = Int(digits), digits.count <= 8 else { return nil }
        let current = now / 30_000
        let totp = TOTP(secret: secret)
        for step in [current - 1, current, current + 1] where totp.compute(date: Date(timeIntervalSince1970: Double(step * 30))) == value {
            return step
        }
        return nil
    }

    /// The current code of a secret (for the demo and the tests, which have no phone).
    public static func current(secret: String, now: Int64) -> String {
        String(format: "%06d", TOTP(secret: secret).compute(date: Date(timeIntervalSince1970: Double(now / 1000))))
    }

    /// The `otpauth://` address an authenticator app reads from a QR code or a link.
    public static func address(secret: String, account: String, issuer: String) -> String {
        TOTP(secret: secret).createAuthenticatorURL(label: account, issuer: issuer)
    }
}
