import Crypto
import Foundation
import Hummingbird
import Registration
import Selection
import SeleksiCore

/// The public results board, no login: each published version of the SKD announcement,
/// per agency and formation, searchable by participant number or name, with its digest
/// and version, as a page and as JSON and CSV downloads. Only what an announcement shows
/// (number, name, formation, scores, code). Every answer carries an `ETag` and a
/// `Cache-Control` a proxy or CDN may act on, and `If-None-Match` is answered with 304;
/// nothing is shown before its publication time.
struct BoardPages {
    let service: RegistrationService
    let pages: PageRenderer
    /// The versions visible now, for a second: results day is read far more than written.
    let versions: TTLCache<[StoredAnnouncement]>
    /// Published versions, decoded once (they never change), by digest.
    let snapshots: TTLCache<BoardSnapshot>
    /// Pages as rendered, by their `ETag` (a page is what its tag says, whoever asks).
    let rendered: TTLCache<ByteBuffer>

    static let subtests = ["TWK", "TIU", "TKP"]
    static let pageSize = 50
    /// A published board may be a minute old (and served stale while a proxy fetches the
    /// next): a correction is a new version, and results day is read far more than written.
    static let cacheControl = "public, max-age=60, stale-while-revalidate=600"
    /// Before anything is public, a reader waiting for the announced hour must see the
    /// results the moment they appear, not a cached "belum ada" for up to eleven minutes:
    /// kept, but revalidated by its `ETag` on every request (a 304 costs the portal little).
    static let cacheControlBeforePublication = "public, no-cache"

    init(service: RegistrationService, pages: PageRenderer) {
        self.service = service
        self.pages = pages
        versions = TTLCache(clock: service.clock, lifetimeMilliseconds: 1_000)
        snapshots = TTLCache(clock: service.clock, lifetimeMilliseconds: 3_600_000, capacity: 8)
        rendered = TTLCache(clock: service.clock, lifetimeMilliseconds: 60_000, capacity: 2_000)
    }

    func register(on router: Router<PortalRequestContext>) {
        router.get("/hasil") { request, context in try await board(request, context, version: nil) }
        router.get("/hasil/skd/:version") { request, context in
            try await board(request, context, version: try Self.version(context))
        }
        router.get("/hasil/skd/:version/pengumuman.json") { request, context in
            let snapshot = try await snapshot(try Self.version(context))
            return Self.download(
                request,
                snapshot.file,
                type: "application/json",
                name: "pengumuman-skd-v\(snapshot.announcement.version).json",
                tag: snapshot.digest
            )
        }
        router.get("/hasil/skd/:version/pengumuman.csv") { request, context in
            let snapshot = try await snapshot(try Self.version(context))
            return Self.download(
                request,
                snapshot.csv,
                type: "text/csv; charset=utf-8",
                name: "pengumuman-skd-v\(snapshot.announcement.version).csv",
                tag: snapshot.digest + "-csv\(BoardSnapshot.csvFormat)"
            )
        }
    }

    static func version(_ context: PortalRequestContext) throws -> Int {
        guard let version = Int(try context.parameters.require("version")), version >= 1 else { throw RegistrationError.notFound }
        return version
    }

    func visible() async throws -> [StoredAnnouncement] {
        try await versions.value(RegistrationService.skdStage) { try await service.publishedAnnouncements(stage: RegistrationService.skdStage) }
    }

    /// A version visible now, decoded; "not found" before its time, as for one that does not exist.
    func snapshot(_ version: Int) async throws -> BoardSnapshot {
        guard let stored = try await visible().first(where: { $0.version == version }) else {
            throw RegistrationError("no-announcement", kind: .notFound, "Pengumuman versi \(version) tidak ada atau belum tayang.")
        }
        return try await snapshots.value(stored.digest) {
            guard let file = try await service.announcementFile(stage: RegistrationService.skdStage, version: version),
                let published = try? JSONDecoder().decode(PublishedAnnouncement.self, from: file)
            else { throw RegistrationError("announcement-unreadable", kind: .internal, "Pengumuman versi \(version) tidak dapat dibaca.") }
            return BoardSnapshot(published, file: file)
        }
    }

    func board(_ request: Request, _ context: PortalRequestContext, version: Int?) async throws -> Response {
        let all = try await visible()
        let query = request.formQuery
        func text(_ key: String) -> String { String(query[Substring(key)] ?? "").trimmingCharacters(in: .whitespaces) }
        let (q, agency, formation) = (String(text("q").prefix(100)), text("instansi"), text("formasi"))
        // The page as a number (`01` is page 1), so that one page has one ETag.
        let pageText = Int(text("halaman")).map { String(max($0, 0)) } ?? text("halaman")
        // What the page is made of: the versions shown, the one chosen and the query.
        let chosen = version ?? all.last?.version
        let etag = Self.etag(all.map(\.digest).joined(separator: ",") + "|\(chosen ?? 0)|\(q)|\(agency)|\(formation)|\(pageText)")
        let caching = chosen == nil ? Self.cacheControlBeforePublication : Self.cacheControl
        if let notModified = Self.notModified(request, etag: etag, caching: caching) { return notModified }
        if let page = rendered.get(etag) { return Self.page(page, etag: etag, caching: caching) }
        var values: [String: Any] = [
            "title": "Hasil SKD", "q": q,
            "versions": all.reversed().map { item -> [String: Any] in
                ["version": item.version, "digest": item.digest, "at": IndonesianDate.dateTime(item.publishedAt), "current": item.version == chosen]
            },
        ]
        var status = HTTPResponse.Status.ok
        if let chosen {
            let snapshot = try await snapshot(chosen)
            var page = 1
            if !pageText.isEmpty {
                if let number = Int(pageText), number >= 1 {
                    page = number
                } else {
                    values["error"] = "Halaman '\(String(pageText.prefix(20)))' bukan nomor halaman; halaman 1 ditampilkan."
                    status = .badRequest
                }
            }
            let found = snapshot.search(q, agency: agency.isEmpty ? nil : agency, formation: formation.isEmpty ? nil : formation)
            let pages = max(1, (found.count + Self.pageSize - 1) / Self.pageSize)
            page = min(page, pages)
            let shown = found.page((page - 1) * Self.pageSize, Self.pageSize, of: snapshot.announcement.rows)
            func link(_ target: Int) -> String {
                var parts = URLComponents()
                parts.path = "/hasil/skd/\(chosen)"
                parts.queryItems =
                    [("q", q), ("instansi", agency), ("formasi", formation)].filter { !$0.1.isEmpty }.map { URLQueryItem(name: $0.0, value: $0.1) }
                    + [URLQueryItem(name: "halaman", value: String(target))]
                return parts.string ?? "/hasil"
            }
            values["announcement"] = [
                "version": chosen, "digest": snapshot.digest, "at": IndonesianDate.dateTime(snapshot.announcement.publishedAt),
                "previous": snapshot.announcement.previousDigest ?? "", "hasPrevious": snapshot.announcement.previousDigest != nil,
                "latest": chosen == all.last?.version, "total": snapshot.announcement.rows.count, "found": found.count,
                "rows": shown.map(Self.row), "none": found.isEmpty, "page": page, "pages": pages,
                "previousPage": page > 1 ? link(page - 1) : "", "nextPage": page < pages ? link(page + 1) : "",
                "agencies": snapshot.agencies.map { ["id": $0.id, "name": $0.name, "selected": $0.id == agency] },
                "formations": snapshot.formations.filter { agency.isEmpty || $0.agency == agency }.map {
                    ["id": $0.id, "name": $0.name, "selected": $0.id == formation]
                },
                "subtests": Self.subtests,
                "json": "/hasil/skd/\(chosen)/pengumuman.json", "csv": "/hasil/skd/\(chosen)/pengumuman.csv",
            ]
        } else if version != nil {
            throw RegistrationError("no-announcement", kind: .notFound, "Pengumuman itu tidak ada atau belum tayang.")
        }
        guard status == .ok, let html = pages.sharedHTML("hasil", values) else { return pages.renderShared("hasil", values, context: context, status: status) }
        let page = ByteBuffer(string: html)
        rendered.set(etag, page)
        return Self.page(page, etag: etag, caching: caching)
    }

    static func page(_ html: ByteBuffer, etag: String, caching: String) -> Response {
        Response(
            status: .ok,
            headers: [.contentType: "text/html; charset=utf-8", .cacheControl: caching, .eTag: etag],
            body: .init(byteBuffer: html)
        )
    }

    /// A row as the page and the committee's preview show it.
    static func row(_ row: Announcement.Row) -> [String: Any] {
        [
            "number": row.participantNumber, "name": row.name, "formation": row.formationName, "agency": row.agencyName,
            "scores": subtests.map { subtest in row.scores?[subtest].map(String.init) ?? "–" }, "total": row.total.map(String.init) ?? "–",
            "rank": row.rank.map(String.init) ?? "–", "code": row.code, "label": row.label,
        ]
    }

    static func etag(_ basis: String) -> String { "\"" + Hex.encode(SHA256.hash(data: Data(basis.utf8)).prefix(12)) + "\"" }

    /// 304 when the client (or a proxy) already holds this version of the answer.
    static func notModified(_ request: Request, etag: String, caching: String) -> Response? {
        guard let held = request.headers[.ifNoneMatch] else { return nil }
        let tags = held.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "W/", with: "") }
        guard tags.contains(etag) || tags.contains("*") else { return nil }
        return Response(status: .notModified, headers: [.eTag: etag, .cacheControl: caching])
    }

    static func download(_ request: Request, _ bytes: Data, type: String, name: String, tag: String) -> Response {
        let etag = "\"\(tag)\""
        // A published version never changes.
        let caching = "public, max-age=86400, immutable"
        if let notModified = notModified(request, etag: etag, caching: caching) { return notModified }
        var headers = HTTPFields()
        headers[.contentType] = type
        headers[.contentDisposition] = "attachment; filename=\"\(name)\""
        headers[.cacheControl] = caching
        headers[.eTag] = etag
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}

/// One published version as the board serves it: decoded once, with what its filters
/// and searches need.
final class BoardSnapshot: Sendable {
    struct Choice: Sendable {
        let id: String
        let name: String
        let agency: String
    }

    let announcement: Announcement
    let digest: String
    /// The download, byte for byte as stored.
    let file: Data
    /// The CSV download, made once (results day asks for it many times).
    let csv: Data
    /// Raised when the CSV's columns change, so that its `ETag` does too.
    static let csvFormat = 1
    let agencies: [Choice]
    let formations: [Choice]
    /// Sorted indexes for search: participant numbers, and each word of each name folded
    /// (case and accents ignored); rows by agency and by formation.
    private let numbers: [(key: String, row: Int)]
    private let nameWords: [(key: String, row: Int)]
    private let byAgency: [String: [Int]]
    private let byFormation: [String: [Int]]

    init(_ published: PublishedAnnouncement, file: Data) {
        announcement = published.announcement
        digest = published.digest
        self.file = file
        let rows = published.announcement.rows
        numbers = rows.enumerated().map { (key: $1.participantNumber, row: $0) }.sorted { $0.key < $1.key }
        nameWords = rows.enumerated().flatMap { index, row in
            Self.words(row.name).map { (key: $0, row: index) }
        }.sorted { ($0.key, $0.row) < ($1.key, $1.row) }
        byAgency = Dictionary(grouping: rows.indices, by: { rows[$0].agencyID })
        byFormation = Dictionary(grouping: rows.indices, by: { rows[$0].formationID })
        var agencies: [String: Choice] = [:]
        var formations: [String: Choice] = [:]
        for row in published.announcement.rows {
            agencies[row.agencyID] = Choice(id: row.agencyID, name: row.agencyName, agency: row.agencyID)
            formations[row.formationID] = Choice(id: row.formationID, name: row.formationName, agency: row.agencyID)
        }
        self.agencies = agencies.values.sorted { $0.name < $1.name }
        self.formations = formations.values.sorted { ($0.name, $0.id) < ($1.name, $1.id) }
        csv = Self.csv(published.announcement, digest: published.digest)
    }

    static func fold(_ text: String) -> String { text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil) }

    /// The words of a name or a query, folded, as the index and the search both split them.
    static func words(_ text: String) -> [String] {
        fold(text).split(whereSeparator: { $0.isWhitespace || $0 == "," || $0 == "." }).map(String.init)
    }

    /// What a search found: every row, or these (in the announcement's order).
    struct Matches {
        let all: Int?
        let indices: [Int]
        var count: Int { all ?? indices.count }
        var isEmpty: Bool { count == 0 }
        /// The rows of one page.
        func page(_ offset: Int, _ size: Int, of rows: [Announcement.Row]) -> [Announcement.Row] {
            if let all { return Array(rows[min(offset, all)..<min(offset + size, all)]) }
            return indices.dropFirst(offset).prefix(size).map { rows[$0] }
        }
    }

    /// Rows of the agency and formation (when given) whose participant number starts with
    /// `query` (digits), or each of whose words of `query` begins a word of the name (case
    /// and accents ignored). From sorted indexes: no request reads every row.
    func search(_ query: String, agency: String?, formation: String?) -> Matches {
        var found: [Int]?
        // At most five different words, the one with fewest rows first: a query is never
        // dearer than a few index ranges.
        let words = Array(Set(Self.words(query))).sorted().prefix(5)
        if let first = words.first {
            if words.count == 1, first.allSatisfy(\.isNumber) {
                found = Self.prefixed(first, in: numbers)
            } else {
                let lists = words.map { Self.prefixed($0, in: nameWords) }.sorted { $0.count < $1.count }
                var rows = Set(lists[0])
                for list in lists.dropFirst() where !rows.isEmpty { rows.formIntersection(list) }
                found = Array(rows)
            }
        }
        if let formation {
            let own = byFormation[formation] ?? []
            found =
                found.map { list in
                    let set = Set(own)
                    return list.filter(set.contains)
                } ?? own
        } else if let agency {
            let own = byAgency[agency] ?? []
            found =
                found.map { list in
                    let set = Set(own)
                    return list.filter(set.contains)
                } ?? own
        }
        if let agency, formation != nil { found = found?.filter { announcement.rows[$0].agencyID == agency } }
        guard let found else { return Matches(all: announcement.rows.count, indices: []) }
        return Matches(all: nil, indices: found.sorted())
    }

    /// The row indices whose key (in `index`, sorted by key) starts with `prefix`.
    static func prefixed(_ prefix: String, in index: [(key: String, row: Int)]) -> [Int] {
        var low = 0
        var high = index.count
        while low < high {
            let middle = (low + high) / 2
            if index[middle].key < prefix { low = middle + 1 } else { high = middle }
        }
        var rows: [Int] = []
        while low < index.count, index[low].key.hasPrefix(prefix) {
            rows.append(index[low].row)
            low += 1
        }
        return rows
    }

    /// The whole announcement as CSV (one row per participant, the digest in every row).
    static func csv(_ announcement: Announcement, digest: String) -> Data {
        var lines = ["version,digest,participant_number,name,agency,formation_id,formation,twk,tiu,tkp,total,rank,code,label"]
        lines.reserveCapacity(announcement.rows.count + 1)
        for row in announcement.rows {
            let fields: [String] =
                [
                    String(announcement.version), digest, row.participantNumber, row.name, row.agencyName, row.formationID, row.formationName,
                ] + BoardPages.subtests.map { row.scores?[$0].map(String.init) ?? "" } + [
                    row.total.map(String.init) ?? "", row.rank.map(String.init) ?? "", row.code, row.label,
                ]
            lines.append(fields.map(Self.csvField).joined(separator: ","))
        }
        return Data((lines.joined(separator: "\r\n") + "\r\n").utf8)
    }

    /// Quoted where needed; a value a spreadsheet would run as a formula is prefixed with '.
    static func csvField(_ value: String) -> String {
        var value = value
        if let first = value.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) { value = "'" + value }
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
