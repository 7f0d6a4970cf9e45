import Foundation
import Hummingbird
import SeleksiCore

/// The venue's own screen (`/layar/SESSION`), as CAT rooms show it: each candidate's
/// scores as they finish, newest first. No login, no script: it refreshes itself every
/// 10 seconds. Never the session's PIN, never an answer.
struct ScreenPage {
    let service: ExamService

    func addRoutes(to router: Router<ExamRequestContext>) {
        router.get("/layar/:id") { _, context -> Response in
            let id = try context.parameters.require("id")
            let (session, scores) = try await service.screen(session: id)
            let subtests = scores.first?.score.subtests.map(\.subtest) ?? ["TWK", "TIU", "TKP"]
            let rows = scores.map { entry in
                let cells = subtests.map { code in "<td>\(entry.score.score(of: code).map(String.init) ?? "–")</td>" }.joined()
                let decision =
                    switch entry.score.decision {
                    case .passed: "Memenuhi nilai ambang batas"
                    case .failed: "Tidak memenuhi"
                    case .noPassingGrade: "–"
                    }
                return
                    "<tr><td>\(Self.escape(entry.participant))</td><td>\(Self.escape(entry.name))</td>\(cells)<td><strong>\(entry.score.total)</strong></td><td>\(decision)</td></tr>"
            }
            let html = """
                <!doctype html>
                <html lang="id"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
                <meta http-equiv="refresh" content="10"><title>Nilai sesi \(Self.escape(session.id))</title>
                <style>body{font:18px/1.4 system-ui,sans-serif;margin:1rem}table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:.3rem .5rem;text-align:left}</style>
                </head><body>
                <h1>Nilai sementara, sesi \(Self.escape(session.id)) · \(Self.escape(session.venue))</h1>
                <p>\(scores.count) dari \(session.candidates) peserta selesai. Halaman ini diperbarui tiap 10 detik; hasil resmi diumumkan panitia.</p>
                <table><thead><tr><th>Nomor peserta</th><th>Nama</th>\(subtests.map { "<th>\(Self.escape($0))</th>" }.joined())<th>Total</th><th>Keterangan</th></tr></thead>
                <tbody>\(rows.joined(separator: "\n"))</tbody></table>
                </body></html>
                """
            return Response(
                status: .ok,
                headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
                body: .init(byteBuffer: ByteBuffer(string: html))
            )
        }
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
            .replacingOccurrences(of: "\"", with: "&quot;")
    }
}
