import Foundation
public import SeleksiCore

/// Delivers the outbox: through a `sendmail -t` style command when one is configured,
/// otherwise into `DATA/mail/<id>.eml` so the demo works offline. A message is marked
/// sent only after it was handed over, so a crash re-sends rather than loses it.
public struct MailDelivery: Sendable {
    let store: any RegistrationStore
    let command: String
    let folder: String
    let clock: any ServerClock

    public init(store: any RegistrationStore, command: String, folder: String, clock: any ServerClock) {
        self.store = store
        self.command = command
        self.folder = folder
        self.clock = clock
    }

    /// Hands over what is pending; returns how many were delivered.
    public func deliverPending() async throws -> Int {
        var delivered = 0
        var batch = try await store.pendingMail(limit: 500)
        while !batch.isEmpty {
            delivered += try await deliver(batch)
            // Stop at a message that could not be handed over; the next pass retries it.
            if delivered % 500 != 0 || delivered >= 20_000 { break }
            batch = try await store.pendingMail(limit: 500)
        }
        return delivered
    }

    func deliver(_ batch: [Mail]) async throws -> Int {
        var delivered = 0
        for mail in batch {
            let message = "To: \(mail.to)\nSubject: \(mail.subject)\nContent-Type: text/plain; charset=utf-8\n\n\(mail.body)\n"
            if command.isEmpty {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                try DocumentFiles.writeDurably(Array(message.utf8), to: folder + "/\(mail.id).eml")
            } else {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: "/bin/sh")
                process.arguments = ["-c", command]
                let input = Pipe()
                process.standardInput = input
                try process.run()
                input.fileHandleForWriting.write(Data(message.utf8))
                try input.fileHandleForWriting.close()
                process.waitUntilExit()
                guard process.terminationStatus == 0 else { continue }
            }
            try await store.markMailSent(id: mail.id, at: clock.nowMilliseconds())
            delivered += 1
        }
        return delivered
    }
}
