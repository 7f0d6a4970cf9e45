import ArgumentParser
import ExamEngine
import Foundation

/// `seleksi bench …`: measured figures, never pass/fail tests.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Tolok ukur kinerja (jalankan dengan build release: swift run -c release seleksi bench …).",
        subcommands: [Papers.self, ExamBenchCommand.self, PortalBenchCommand.self]
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

extension Duration {
    var seconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}
