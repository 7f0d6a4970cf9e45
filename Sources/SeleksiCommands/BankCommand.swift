import ArgumentParser
import ExamEngine
import Foundation

/// `seleksi bank …`: check, count and import question banks.
struct BankCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bank",
        abstract: "Memeriksa, menghitung, dan mengimpor bank soal.",
        subcommands: [Validate.self, Stats.self, ImportQTI.self]
    )

    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Memeriksa bank soal terhadap semua aturan. Keluar 0 bila bersih, 2 dengan daftar masalah."
        )

        @Argument(help: "Folder bank (atau folder berisi beberapa bank).")
        var directory: String = Defaults.bankDirectory

        @Option(name: .customLong("rules-dir"), help: "Folder aturan.")
        var rulesDirectory: String = Defaults.rulesDirectory

        func run() throws { try BankReports.validate(directory: directory, rulesDirectory: rulesDirectory).finish() }
    }

    struct Stats: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Jumlah soal per subtes, topik, dan kesulitan, serta kekurangan terhadap setiap aturan."
        )

        @Argument(help: "Folder bank (atau folder berisi beberapa bank).")
        var directory: String = Defaults.bankDirectory

        @Option(name: .customLong("rules-dir"), help: "Folder aturan.")
        var rulesDirectory: String = Defaults.rulesDirectory

        func run() throws { try BankReports.stats(directory: directory, rulesDirectory: rulesDirectory).finish() }
    }

    struct ImportQTI: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import-qti",
            abstract: "Mengimpor soal pilihan ganda QTI 2.1/3.0 ke sebuah bank.",
            discussion: """
                Membaca satu berkas, folder (termasuk subfolder, mis. items/<id>/qti.xml dari TAO) \
                atau paket konten (imsmanifest.xml), terbuka atau sebagai .zip. Setiap berkas menjadi satu \
                soal utuh atau ditolak dengan alasannya; satu berkas buruk tidak menghentikan yang \
                lain. Soal yang diterima ditulis ke satu berkas qti-NAMA.yaml di bank tujuan. Keluar \
                0 bila semua diterima, 2 bila ada yang ditolak (soal yang diterima tetap ditulis) atau \
                tidak ada berkas soal yang terbaca.
                """
        )

        @Argument(help: "Berkas QTI (.xml), folder berisi berkas QTI, atau paket .zip.")
        var source: String

        @Option(name: .customLong("into"), help: "Folder bank tujuan.")
        var bankDirectory: String = Defaults.bankDirectory

        @Option(help: "Subtes tujuan (kode di bank.yaml).")
        var subtest: String

        @Option(help: "Topik tujuan (kode di bank.yaml).")
        var topic: String

        @Option(help: "Tingkat kesulitan 1..3.")
        var difficulty: Int = 2

        @Option(name: .customLong("id-prefix"), help: "Awalan id soal.")
        var idPrefix: String = "qti-"

        @Option(name: .customLong("id-from"), help: "Asal id soal sesudah awalan: identifier (identifier soal) atau file (jalur berkas di folder).")
        var idFrom: String = QTIIDSource.identifier.rawValue

        @Option(name: .customLong("rules-dir"), help: "Folder aturan.")
        var rulesDirectory: String = Defaults.rulesDirectory

        func run() throws {
            try QTIImportCommand.run(
                source: source,
                bankDirectory: bankDirectory,
                subtest: subtest,
                topic: topic,
                difficulty: difficulty,
                idPrefix: idPrefix,
                idFrom: idFrom,
                rulesDirectory: rulesDirectory
            ).finish()
        }
    }
}
