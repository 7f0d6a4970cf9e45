import Foundation
import NIOPosix
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
            let sent = try await deliver(batch)
            delivered += sent
            // A message that could not be handed over waits for the next pass.
            if sent < batch.count || delivered >= 20_000 { break }
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
                let path = folder + "/\(mail.id).eml"
                try await DocumentFiles.pool.runIfActive { try DocumentFiles.writeDurably(Array(message.utf8), to: path) }
            } else {
                guard try await Self.run(command, input: Array(message.utf8), folder: folder) == 0 else { continue }
            }
            try await store.markMailSent(id: mail.id, at: clock.nowMilliseconds())
            delivered += 1
        }
        return delivered
    }

    /// Runs `command` with the message as standard input, from a file rather than a pipe
    /// (a pipe's write end inherited by another child would never close).
    static func run(_ command: String, input: [UInt8], folder: String) async throws -> Int32 {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let file = folder + "/.outgoing-" + UUID().uuidString
        guard FileManager.default.createFile(atPath: file, contents: Data(input), attributes: [.posixPermissions: 0o600]),
            let handle = FileHandle(forReadingAtPath: file)
        else { return -1 }
        defer {
            try? handle.close()
            try? FileManager.default.removeItem(atPath: file)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        process.standardInput = handle
        // Waiting blocks a thread: one of NIO's pool, never a request's.
        return try await DocumentFiles.pool.runIfActive {
            try process.run()
            process.waitUntilExit()
            return process.terminationStatus
        }
    }
}
