import ArgumentParser
import ExamNode
import Foundation
import Portal
import Registration

/// `seleksi handoff`: the signed packages between the portal and its exam nodes, as files
/// (for a venue with no link), or sent to a node the centre can reach over HTTPS.
struct HandoffCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "handoff",
        abstract: "Paket bertanda tangan antara portal dan node ujian, sebagai berkas.",
        subcommands: [Export.self, ImportResults.self, Push.self, Pull.self]
    )

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export",
            abstract: "Menulis paket daftar peserta (bertanda tangan portal) untuk satu node; versi baru hanya bila isinya berubah."
        )

        @OptionGroup var options: PortalOptions
        @Option(help: "Folder data portal (juga lewat SELEKSI_DATA).") var data: String?
        @Option(help: "Kode node yang terdaftar.") var node: String
        @Option(help: "Berkas tujuan (bawaan: roster-NODE-vVERSI.json).") var out: String?

        func run() async throws {
            let service = try PortalServer.openService(settings: try options.settings(httpsPort: nil, httpPort: nil, data: data))
            do {
                let package = try await service.rosterPackage(staff: nil, nodeID: node)
                let file = out ?? "roster-\(node)-v\(package.version).json"
                try package.envelope.write(to: URL(fileURLWithPath: file))
                print("Paket daftar peserta node \(node) versi \(package.version) ditulis ke \(file) (\(package.envelope.count) byte).")
            } catch let error as RegistrationError {
                print(error.message)
                throw ExitCode(2)
            }
        }
    }

    struct ImportResults: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import-results",
            abstract: "Menerima paket hasil bertanda tangan node (seleksi exam-node results) dari berkas; paket yang sama lagi tidak mengubah apa pun."
        )

        @OptionGroup var options: PortalOptions
        @Option(help: "Folder data portal (juga lewat SELEKSI_DATA).") var data: String?
        @Argument(help: "Berkas paket hasil.") var file: String

        func run() async throws {
            let service = try PortalServer.openService(settings: try options.settings(httpsPort: nil, httpPort: nil, data: data))
            guard let bytes = FileManager.default.contents(atPath: file) else {
                print("\(file): berkas tidak dapat dibaca")
                throw ExitCode(2)
            }
            do {
                let imported = try await service.importResults(bytes, .commandLine)
                print(
                    imported.unchanged
                        ? "Paket hasil sesi \(imported.sessionID) sudah diterima sebelumnya; tidak ada yang berubah."
                        : "Paket hasil sesi \(imported.sessionID) dari node \(imported.nodeID) diterima: \(imported.candidates) peserta, digest \(imported.digest)."
                )
            } catch let error as RegistrationError {
                print(error.message)
                throw ExitCode(2)
            }
        }
    }

    /// Where the portal's store is and which registered node to call, trusting `--ca`.
    struct NodeCall: ParsableArguments {
        @OptionGroup var options: PortalOptions
        @Option(help: "Folder data portal (juga lewat SELEKSI_DATA).") var data: String?
        @Option(help: "Kode node yang terdaftar.") var node: String
        @Option(help: "Berkas PEM sertifikat yang dipercaya untuk node (bawaan: akar sistem).") var ca: String?

        /// `body` with a dialer; its client is shut down after, and a failure is printed as
        /// the operator reads it, with exit code 2.
        func run(_ body: (NodeDialer) async throws -> Void) async throws {
            let dialer = try NodeDialer.open(options: options, data: data, ca: ca)
            do {
                try await body(dialer)
                await dialer.client.shutdown()
            } catch let exit as ExitCode {
                await dialer.client.shutdown()
                throw exit
            } catch {
                await dialer.client.shutdown()
                print(NodeDialer.message(error))
                throw ExitCode(2)
            }
        }
    }

    struct Push: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "push",
            abstract: "Mengirim paket daftar peserta terbaru ke node terdaftar lewat HTTPS (alamat node di daftar node)."
        )

        @OptionGroup var call: NodeCall

        func run() async throws {
            try await call.run { dialer in
                let (version, result) = try await dialer.push(nodeID: call.node)
                print(
                    "Node \(call.node) memuat paket daftar peserta versi \(version): sesi baru \(result.created.count), diganti \(result.replaced.count), tetap \(result.unchanged.count)."
                )
                // A session the node keeps as it is (already open) is reported, not a failure.
                for (session, refusal) in result.refused.sorted(by: { $0.key < $1.key }) { print("Sesi \(session) tidak diubah: \(refusal.message)") }
            }
        }
    }

    struct Pull: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "pull",
            abstract: "Mengambil paket hasil sesi yang sudah ditutup dari node terdaftar lewat HTTPS dan menerimanya."
        )

        @OptionGroup var call: NodeCall

        func run() async throws {
            try await call.run { dialer in
                let pulled = try await dialer.pull(nodeID: call.node)
                print(
                    "Dari node \(call.node): paket hasil diterima \(pulled.imported.count)\(pulled.imported.isEmpty ? "" : " (\(pulled.imported.joined(separator: ", ")))"), sudah ada \(pulled.unchanged.count)."
                )
                for (what, reason) in pulled.refused.sorted(by: { $0.key < $1.key }) { print("\(what) ditolak: \(reason)") }
                if !pulled.refused.isEmpty { throw ExitCode(2) }
            }
        }
    }
}
