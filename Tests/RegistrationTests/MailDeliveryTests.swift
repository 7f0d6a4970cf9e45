import Foundation
import SeleksiCore
import Testing

@testable import Registration

@Suite("Mail outbox")
struct MailDeliveryTests {
    func store() throws -> (SQLiteRegistrationStore, String) {
        let folder = NSTemporaryDirectory() + "seleksi-mail-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return (try SQLiteRegistrationStore.open(path: folder + "/portal.sqlite"), folder)
    }

    /// A period and an account whose sign-up queued one message.
    func queue(_ store: SQLiteRegistrationStore, body: String) async throws {
        try await store.savePeriod(
            SelectionPeriod(
                id: "p",
                name: "p",
                registration: Window(opens: 0, closes: 1),
                verification: Window(opens: 0, closes: 1),
                objectionDays: 3,
                exam: Window(opens: 0, closes: 1),
                announcement: Window(opens: 0, closes: 1),
                participantPrefix: "26"
            ),
            audit: nil
        )
        let account = Account(
            id: 0,
            periodID: "p",
            nik: "3201014101990001",
            kk: "3201010101100001",
            name: "Ani",
            birthPlace: "Bogor",
            birthDate: "1999-01-01",
            sex: .female,
            email: "ani@contoh.id",
            phone: "0812",
            emailVerified: false,
            createdAt: 0
        )
        _ = try await store.createAccount(
            account,
            passwordHash: "x",
            code: OneTimeCode(purpose: .verifyEmail, codeHash: "h", expiresAt: 1),
            mail: Mail(to: "ani@contoh.id", subject: "Kode", body: body, createdAt: 0)
        )
    }

    @Test("without a command, each message becomes a file and is marked sent once")
    func toFiles() async throws {
        let (store, folder) = try store()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let clock = ManualClock()
        try await queue(store, body: "Kode verifikasi email Anda: 123456")
        let delivery = MailDelivery(store: store, command: "", folder: folder + "/mail", clock: clock)
        #expect(try await delivery.deliverPending() == 1)
        #expect(try await delivery.deliverPending() == 0)
        let text = try String(contentsOfFile: folder + "/mail/1.eml", encoding: .utf8)
        #expect(text.contains("To: ani@contoh.id") && text.contains("123456"))
    }

    @Test("a sendmail-style command gets the message on standard input; a failing one leaves it pending")
    func throughCommand() async throws {
        let (store, folder) = try store()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try await queue(store, body: "isi")
        let failing = MailDelivery(store: store, command: "cat > /dev/null; exit 1", folder: folder, clock: ManualClock())
        #expect(try await failing.deliverPending() == 0)
        #expect(try await store.pendingMail(limit: 10).count == 1)
        let sent = MailDelivery(store: store, command: "cat > '\(folder)/sent.txt'", folder: folder, clock: ManualClock())
        #expect(try await sent.deliverPending() == 1)
        #expect(try String(contentsOfFile: folder + "/sent.txt", encoding: .utf8).contains("Subject: Kode"))
    }
}
