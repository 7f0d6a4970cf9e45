import ArgumentParser
import ExamEngine
import Foundation
import Registration
import SeleksiBench

/// `seleksi bench …`: measured figures, never pass/fail tests.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Tolok ukur kinerja (jalankan dengan build release: swift run -c release seleksi bench …).",
        subcommands: [Papers.self, ExamBenchCommand.self, PortalBenchCommand.self, BoardBenchCommand.self, SelectionBenchCommand.self]
    )

    struct Papers: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Menyusun N naskah satu sesi (dengan penyeimbangan paparan) dan mencetak naskah/detik."
        )

        @Option(help: "Jumlah naskah satu sesi.")
        var count: Int = 10_000

        @Option(help: "Berkas aturan.")
        var rules: String = Defaults.rulesDirectory + "/skd-2024.yaml"

        @Option(name: .customLong("bank"), help: "Folder bank.")
        var bankDirectory: String = Defaults.bankDirectory

        @Option(help: "Berapa kali sesi diulang; yang dicetak median.")
        var rounds: Int = 5

        @Flag(help: "Cetak satu objek JSON.")
        var json = false

        func run() throws {
            try PaperBench.run(count: count, rulesFile: rules, bankDirectory: bankDirectory, rounds: rounds, json: json).finish()
        }
    }
}

enum PaperBench {
    static func run(count: Int, rulesFile: String, bankDirectory: String, rounds: Int, json: Bool) -> CommandResult {
        var result = CommandResult()
        let assembler: PaperAssembler
        switch PaperPrinter.loadAssembler(rulesFile: rulesFile, bankDirectory: bankDirectory) {
        case .success(let loaded): assembler = loaded
        case .failure(let failure): return failure
        }
        guard count > 0, rounds > 0 else {
            result.line("--count dan --rounds harus lebih dari 0")
            result.status = 2
            return result
        }
        let clock = ContinuousClock()
        let seeds = (1...count).map { UInt64($0) }
        _ = assembler.session(seeds: Array(seeds.prefix(1_000)))  // warm-up

        var sessionSeconds: [Double] = []
        var exposure: ExposureReport?
        for _ in 0..<rounds {
            var report: ExposureReport?
            let elapsed = clock.measure { report = assembler.session(seeds: seeds).exposure }
            sessionSeconds.append(elapsed.seconds)
            exposure = report
        }
        sessionSeconds.sort()
        let medianSeconds = sessionSeconds[sessionSeconds.count / 2]

        // Latency of one paper on its own.
        var latencies: [Double] = []
        latencies.reserveCapacity(2_000)
        for seed in 0..<UInt64(2_000) {
            let elapsed = clock.measure { _ = assembler.paper(seed: seed) }
            latencies.append(elapsed.seconds * 1_000_000)
        }
        latencies.sort()
        let p50 = latencies[latencies.count / 2]
        let p99 = latencies[latencies.count * 99 / 100]
        let perSecond = Double(count) / medianSeconds
        let ratio = exposure?.ratio ?? .infinity
        let figures: [String: Any] = [
            "bench": "papers", "rules": assembler.ruleSet.id, "bank": "\(assembler.bank.id)@\(assembler.bank.version)",
            "papers": count, "rounds": rounds, "session_seconds_median": medianSeconds,
            "papers_per_second": perSecond.rounded(), "paper_latency_us_p50": p50, "paper_latency_us_p99": p99,
            "exposure_ratio": ratio.isFinite ? ratio : -1, "exposure_max_use": exposure?.maximumUse ?? 0,
            "exposure_min_use": exposure?.minimumUse ?? 0, "items_unused": exposure?.unused ?? 0,
            "goal_papers_per_second": 20_000,
            "exposure_by_subtest": Dictionary(
                uniqueKeysWithValues: (exposure?.subtests ?? []).map { ($0.subtest, $0.ratio.isFinite ? $0.ratio : -1) }
            ),
        ]
        if json {
            let data = (try? JSONSerialization.data(withJSONObject: figures, options: [.sortedKeys])) ?? Data()
            result.line(String(decoding: data, as: UTF8.self))
            return result
        }
        result.line(
            "bench papers: \(count) naskah \(assembler.ruleSet.id) dari bank \(assembler.bank.id)@\(assembler.bank.version), median dari \(rounds) putaran"
        )
        result.line(String(format: "  sesi:        %.3f s  ->  %.0f naskah/detik (sasaran >= 20.000)", medianSeconds, perSecond))
        result.line(String(format: "  satu naskah: p50 %.1f us, p99 %.1f us", p50, p99))
        if let exposure {
            result.line(
                String(
                    format: "  paparan:     rasio maks/min %.3f (maks %d, min %d, tak terpakai %d dari %d soal)",
                    ratio,
                    exposure.maximumUse,
                    exposure.minimumUse,
                    exposure.unused,
                    exposure.items
                )
            )
            result.line(
                "               per subtes: "
                    + exposure.subtests.map { String(format: "%@ %.3f (%d/%d)", $0.subtest, $0.ratio, $0.maximumUse, $0.minimumUse) }
                    .joined(separator: ", ")
            )
        }
        return result
    }
}

struct ExamBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exam",
        abstract: "Start N peserta dalam T detik (TLS baru masing-masing), lalu simpan jawaban terus-menerus; cetak p50/p99 dan batas fisik."
    )

    @Option(help: "Jumlah peserta.")
    var candidates: Int = 5_000

    @Option(name: .customLong("arrival-seconds"), help: "Peserta datang merata dalam sekian detik.")
    var arrivalSeconds: Double = 10

    @Option(name: .customLong("save-seconds"), help: "Lama fase menyimpan jawaban pada laju sasaran.")
    var saveSeconds: Double = 20

    @Option(name: .customLong("save-rate"), help: "Laju simpan yang ditawarkan semua peserta bersama (per detik), masing-masing di koneksinya sendiri.")
    var saveRate: Double = 5_000

    @Option(name: .customLong("save-connections"), help: "Koneksi keep-alive pada fase kapasitas (simpan tanpa jeda).")
    var saveConnections: Int = 64

    @Option(name: .customLong("capacity-seconds"), help: "Lama fase kapasitas.")
    var capacitySeconds: Double = 5

    @Option(name: .customLong("import-candidates"), help: "Peserta paket kedua yang dimuat sambil peserta menyimpan jawaban.")
    var importCandidates: Int = 10_000

    @Option(name: .customLong("node-log"), help: "Simpan log node yang diuji ke berkas ini (bawaan: dibuang).")
    var nodeLog: String?

    @Option(name: .customLong("https-port"), help: "Port HTTPS node yang diuji.")
    var httpsPort: Int = 28_443

    @Flag(help: "Naskah dengan 15 soal figural; start peserta juga mengambil semua gambarnya (p99 dicetak kedua cara).")
    var images = false

    @Flag(help: "Cetak satu objek JSON.")
    var json = false

    func run() async throws {
        guard candidates > 0, arrivalSeconds > 0, saveSeconds > 0, saveRate > 0, saveConnections > 0, capacitySeconds > 0, importCandidates > 0 else {
            throw ValidationError("semua angka harus lebih dari 0")
        }
        let bench = ExamBench(
            candidates: candidates,
            arrivalSeconds: arrivalSeconds,
            saveSeconds: saveSeconds,
            saveRate: saveRate,
            saveConnections: saveConnections,
            capacitySeconds: capacitySeconds,
            importCandidates: importCandidates,
            httpsPort: httpsPort,
            nodeLog: nodeLog,
            images: images
        )
        let figures = try await bench.run()
        if json {
            let data = try JSONSerialization.data(withJSONObject: figures, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        } else {
            print(ExamBench.describe(figures))
        }
    }
}

struct PortalBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "portal",
        abstract: "Beban portal: buat akun, masuk, kirim lamaran + 2 dokumen, daftar formasi; cetak p50/p99 dan laju bcrypt mentah."
    )

    @Option(help: "Jumlah akun pelamar yang dibuat, masuk dan melamar.") var accounts: Int = 400
    @Option(help: "Klien bersamaan.") var concurrency: Int = 32
    @Option(name: .customLong("list-seconds"), help: "Lama fase daftar formasi.") var listSeconds: Double = 10
    @Option(name: .customLong("https-port"), help: "Port HTTPS portal yang diuji.") var httpsPort: Int = 29_443
    @Option(name: .customLong("portal-config"), help: "Konfigurasi yang biaya bcrypt-nya dipakai.") var portalConfig: String = "Config/portal.yaml"
    @Option(name: .customLong("photo-kb"), help: "Ukuran pas foto (JPG) tiap lamaran, KB (batas 200).") var photoKB: Int = 60
    @Option(name: .customLong("diploma-kb"), help: "Ukuran ijazah (PDF) tiap lamaran, KB (batas 800).") var diplomaKB: Int = 300
    @Flag(help: "Cetak satu objek JSON.") var json = false

    func run() async throws {
        guard accounts > 0, accounts <= 99_999, concurrency > 0, listSeconds > 0, (1...200).contains(photoKB), (1...800).contains(diplomaKB) else {
            throw ValidationError("akun 1..99999, foto 1..200 KB, ijazah 1..800 KB, angka lain > 0")
        }
        let settings = try PortalSettings.load(file: portalConfig)
        let bench = PortalBench(
            accounts: accounts,
            concurrency: concurrency,
            listSeconds: listSeconds,
            httpsPort: httpsPort,
            bcryptCost: settings.bcryptCost,
            photoKB: photoKB,
            diplomaKB: diplomaKB
        )
        let figures = try await bench.run()
        if json {
            print(String(decoding: try JSONSerialization.data(withJSONObject: figures, options: [.sortedKeys]), as: UTF8.self))
        } else {
            print(PortalBench.describe(figures))
        }
    }
}

/// `seleksi bench board`: the results board on results day, live scores, and the ranking.
struct BoardBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "board",
        abstract:
            "Papan hasil: halaman, pencarian dan unduhan JSON per detik dan p99 di samping nginx (berkas statis seukuran), waktu nilai langsung sampai ke semua pengamat, dan peringkat 1.000.000 peserta di samping pengurutan biasa."
    )

    @Option(help: "Peserta dalam pengumuman.") var candidates: Int = 100_000
    @Option(help: "Pengamat halaman nilai langsung (koneksi SSE).") var subscribers: Int = 10_000
    @Option(help: "Nilai yang dikirim node satu per satu.") var events: Int = 20
    @Option(name: .customLong("rank-candidates"), help: "Peserta yang diperingkat.") var rankCandidates: Int = 1_000_000
    @Option(help: "Lama tiap fase baca, detik.") var seconds: Double = 10
    @Option(help: "Klien bersamaan (unduhan JSON: seperempatnya).") var concurrency: Int = 32
    @Option(name: .customLong("https-port"), help: "Port HTTPS portal yang diuji.") var httpsPort: Int = 29_543
    @Flag(help: "Cetak satu objek JSON.") var json = false

    func run() async throws {
        guard candidates > 0, subscribers >= 0, events >= 0, rankCandidates > 0, seconds > 0, concurrency > 0 else {
            throw ValidationError("semua jumlah harus lebih dari 0")
        }
        let figures = try await BoardBench(
            candidates: candidates,
            subscribers: subscribers,
            events: events,
            rankCandidates: rankCandidates,
            seconds: seconds,
            concurrency: concurrency,
            httpsPort: httpsPort
        ).run()
        if json {
            print(String(decoding: try JSONSerialization.data(withJSONObject: figures, options: [.sortedKeys]), as: UTF8.self))
        } else {
            print(BoardBench.describe(figures))
        }
    }
}

/// `seleksi bench selection`: interview scheduling and the final integration, pure.
struct SelectionBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "selection",
        abstract:
            "Penjadwalan wawancara 100.000 peserta atas 1.000 panel (dan sepersepuluhnya, agar pertumbuhannya terlihat) dan integrasi SKD+SKB 1.000.000 peserta."
    )

    @Option(help: "Peserta yang dijadwalkan.") var candidates: Int = 100_000
    @Option(help: "Panel wawancara.") var panels: Int = 1_000
    @Option(name: .customLong("integrate-candidates"), help: "Peserta yang diintegrasikan.") var integrateCandidates: Int = 1_000_000
    @Flag(help: "Cetak satu objek JSON.") var json = false

    func run() throws {
        guard candidates >= 10, panels >= 10, integrateCandidates > 0 else {
            throw ValidationError("peserta dan panel paling sedikit 10, peserta integrasi lebih dari 0")
        }
        let figures = try SelectionBench(candidates: candidates, panels: panels, integrateCandidates: integrateCandidates).run()
        if json {
            print(String(decoding: try JSONSerialization.data(withJSONObject: figures, options: [.sortedKeys]), as: UTF8.self))
        } else {
            print(SelectionBench.describe(figures))
        }
    }
}
