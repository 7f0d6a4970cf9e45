import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Registration
import SeleksiCore
import ServiceLifecycle

/// The public live page of a session (`/langsung/SESSION`): each candidate's score as they
/// finish, as CAT venues show them on a screen. Server-rendered; with JavaScript the page
/// follows `/langsung/SESSION/peristiwa` (server-sent events, resumed with `Last-Event-ID`
/// after a dropped connection), without it the page refreshes itself.
struct LivePages {
    let service: RegistrationService
    let pages: PageRenderer
    let hub: LiveScoreHub

    func register(on router: Router<PortalRequestContext>) {
        router.get("/langsung") { _, context in
            let sessions = try await service.slots().sorted { ($0.startsAt, $0.id) < ($1.startsAt, $1.id) }.map { slot -> [String: Any] in
                ["id": slot.id, "venue": slot.venue, "location": slot.location, "start": IndonesianDate.dateTime(slot.startsAt, in: slot.timeZone)]
            }
            return pages.renderShared("langsung-daftar", ["sessions": sessions], context: context)
        }
        router.get("/langsung/:session") { _, context in
            let slot = try await slot(context)
            let events = try await service.liveScores(sessionID: slot.id, after: 0)
            let scores = events.filter { !$0.withdrawn }
            return pages.renderShared(
                "langsung",
                [
                    "session": slot.id, "venue": slot.venue, "location": slot.location, "start": IndonesianDate.dateTime(slot.startsAt, in: slot.timeZone),
                    "rows": scores.reversed().map(Self.row), "count": scores.count, "last": events.last?.id ?? 0, "subtests": BoardPages.subtests,
                ],
                context: context
            )
        }
        router.get("/langsung/:session/peristiwa") { request, context in
            let slot = try await slot(context)
            let resumeFrom = request.headers[HTTPField.Name("Last-Event-ID")!] ?? request.formQuery["setelah"].map(String.init)
            let after = resumeFrom.flatMap { Int64($0) } ?? 0
            let hub = self.hub
            let service = self.service
            let stream = await hub.watch(session: slot.id, after: after)
            var headers = HTTPFields()
            headers[.contentType] = "text/event-stream; charset=utf-8"
            headers[.cacheControl] = "no-store"
            // A proxy (nginx) must pass the events on as they come, not buffer them.
            headers[HTTPField.Name("X-Accel-Buffering")!] = "no"
            return Response(
                status: .ok,
                headers: headers,
                body: ResponseBody { writer in
                    var sent = after
                    // What was missed while away, then what comes.
                    try await writer.write(ByteBuffer(string: "retry: 3000\n\n"))
                    // Everything missed, a thousand at a time.
                    while true {
                        let missed = try await service.liveScores(sessionID: slot.id, after: sent)
                        guard !missed.isEmpty else { break }
                        try await writer.write(ByteBuffer(string: missed.map(Self.event).joined()))
                        sent = missed.last?.id ?? sent
                        if missed.count < 1_000 { break }
                    }
                    // Until the portal stops: then the stream ends, and the browser reconnects to whichever portal answers.
                    for await batch in stream.cancelOnGracefulShutdown() {
                        let fresh = batch.filter { $0.id > sent }
                        try await writer.write(ByteBuffer(string: batch.isEmpty ? ": tetap tersambung\n\n" : fresh.map(Self.event).joined()))
                        sent = fresh.last?.id ?? sent
                    }
                    try await writer.finish(nil)
                }
            )
        }
    }

    func slot(_ context: PortalRequestContext) async throws -> ExamSlot {
        let id = try context.parameters.require("session")
        guard let slot = try await service.slots().first(where: { $0.id == id }) else {
            throw RegistrationError("unknown-session", kind: .notFound, "Sesi ujian \(EnvelopeError.shown(id)) tidak ada.")
        }
        return slot
    }

    static func row(_ score: LiveScore) -> [String: Any] {
        [
            "number": score.participantNumber, "name": score.name, "total": score.total,
            "scores": BoardPages.subtests.map { score.scores[$0].map(String.init) ?? "–" },
            "decision": score.passed.map { $0 ? "Memenuhi nilai ambang batas" : "Tidak memenuhi" } ?? "–",
        ]
    }

    /// One server-sent event: its id (for `Last-Event-ID`) and the score as JSON; `tarik`
    /// for a withdrawal (the page takes that participant's row down).
    static func event(_ score: LiveScore) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let json = String(decoding: (try? encoder.encode(score)) ?? Data(), as: UTF8.self)
        return "id: \(score.id)\nevent: \(score.withdrawn ? "tarik" : "nilai")\ndata: \(json)\n\n"
    }
}
