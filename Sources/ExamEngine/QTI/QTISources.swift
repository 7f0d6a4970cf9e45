import Foundation

/// The QTI item files a path holds, as banks arrive: one file; a folder, read
/// recursively (TAO exports each item as `items/<id>/qti.xml`); a content package, whose
/// `imsmanifest.xml` names its items. Each found file has its path inside the imported
/// folder as its name (without `.xml`).
enum QTISources {
    struct Source: Equatable {
        let file: String
        let name: String
    }

    static let manifestName = "imsmanifest.xml"

    /// Resource types of item files in a content package (QTI 2.x and 3.0; QTI 1.2 files
    /// are found too, and refused with their reason).
    static func isItemResource(_ type: String) -> Bool {
        type.hasPrefix("imsqti_item_xmlv") || type == "imsqti_xmlv1p2" || type == "imsqti_xmlv1p1"
    }

    /// More files than any bank export holds: past this the walk stops, and says so.
    static let maximumFiles = 50_000

    static func find(_ given: String) -> (sources: [Source], problems: [BankProblem]) {
        // A link to the folder or file is read as what it links to.
        let path = (given as NSString).resolvingSymlinksInPath
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            return ([], [BankProblem(code: "unreadable", file: path, line: nil, message: "berkas atau folder tidak ada")])
        }
        guard isDirectory.boolValue else {
            if (path as NSString).lastPathComponent == manifestName { return manifest(path, folder: (path as NSString).deletingLastPathComponent) }
            return ([Source(file: path, name: ((path as NSString).lastPathComponent as NSString).deletingPathExtension)], [])
        }
        var all: [String] = []
        var problems: [BankProblem] = []
        if let walk = FileManager.default.enumerator(atPath: path) {
            while let next = walk.nextObject() as? String {
                guard all.count < maximumFiles else {
                    problems.append(
                        BankProblem(
                            code: "too-many-files",
                            file: path,
                            line: nil,
                            message: "lebih dari \(maximumFiles) berkas; impor subfoldernya satu per satu"
                        )
                    )
                    break
                }
                all.append(next)
            }
        }
        all.sort()
        // A packed package inside the folder is named, not passed over.
        for relative in all where relative.lowercased().hasSuffix(".zip") {
            problems.append(
                BankProblem(
                    code: "zip-package",
                    file: BankLoader.join(path, relative),
                    line: nil,
                    message: "paket .zip di dalam folder tidak dibuka; impor berkas .zip itu sendiri"
                )
            )
        }
        // A package inside the folder is read through its manifest; the rest file by file.
        let packages = all.filter { ($0 as NSString).lastPathComponent == manifestName }.map { ($0 as NSString).deletingLastPathComponent }
        var sources: [Source] = []
        for package in packages.sorted(by: { $0.count < $1.count }) where !packages.contains(where: { $0 != package && inside(package, $0) }) {
            let folder = package.isEmpty ? path : BankLoader.join(path, package)
            let found = manifest(BankLoader.join(folder, manifestName), folder: folder)
            let prefix = package.isEmpty ? "" : package + "/"
            sources += found.sources.map { Source(file: $0.file, name: prefix + $0.name) }
            problems += found.problems
        }
        for relative in all where relative.lowercased().hasSuffix(".xml") && !packages.contains(where: { inside(relative, $0) }) {
            sources.append(Source(file: BankLoader.join(path, relative), name: String(relative.dropLast(4))))
        }
        return (sources, problems)
    }

    /// Whether `path` (relative) is in folder `folder` (relative; "" is the top).
    private static func inside(_ path: String, _ folder: String) -> Bool {
        folder.isEmpty || path.hasPrefix(folder + "/")
    }

    /// The item files a manifest names, each inside the package's folder.
    static func manifest(_ file: String, folder: String) -> (sources: [Source], problems: [BankProblem]) {
        guard let data = FileManager.default.contents(atPath: file) else {
            return ([], [BankProblem(code: "unreadable", file: file, line: nil, message: "manifest tidak dapat dibaca")])
        }
        let root: XMLElement
        switch parseXMLTree(data) {
        case .failure(let failure):
            return ([], [BankProblem(code: "xml-syntax", file: file, line: failure.line, message: "manifest: XML tidak valid: \(failure.message)")])
        case .success(let parsed): root = parsed
        }
        guard root.name == "manifest" else {
            return ([], [BankProblem(code: "not-a-manifest", file: file, line: root.line, message: "bukan manifest paket konten (elemen akar '\(root.name)')")])
        }
        var sources: [Source] = []
        var problems: [BankProblem] = []
        for resource in root.first("resources")?.elements ?? [] where resource.name == "resource" && isItemResource(resource.attributes["type"] ?? "") {
            guard let href = resource.attributes["href"] ?? resource.first("file")?.attributes["href"], !href.isEmpty else {
                problems.append(
                    BankProblem(code: "unreadable", file: file, line: resource.line, message: "resource \(resource.attributes["identifier"] ?? "?") tanpa href")
                )
                continue
            }
            // Only files inside the package (links resolved): a manifest cannot make the import read elsewhere.
            let path = (href.removingPercentEncoding ?? href).split(separator: "/").filter { $0 != "." }.joined(separator: "/")
            let package = (folder as NSString).resolvingSymlinksInPath
            let full = (BankLoader.join(package, path) as NSString).resolvingSymlinksInPath
            guard !path.hasPrefix("/"), !path.contains("\\"), !path.contains("://"), !path.split(separator: "/").contains(".."),
                full.hasPrefix(package.hasSuffix("/") ? package : package + "/")
            else {
                problems.append(BankProblem(code: "outside-package", file: file, line: resource.line, message: "href '\(href)' menunjuk ke luar paket"))
                continue
            }
            guard FileManager.default.fileExists(atPath: full) else {
                problems.append(BankProblem(code: "unreadable", file: file, line: resource.line, message: "berkas \(href) yang disebut manifest tidak ada"))
                continue
            }
            // One file named twice (`items/a.xml`, `./items/a.xml`) is one item.
            guard !sources.contains(where: { $0.file == full }) else { continue }
            sources.append(Source(file: full, name: (path as NSString).deletingPathExtension))
        }
        if sources.isEmpty, problems.isEmpty {
            problems.append(
                BankProblem(
                    code: "no-items",
                    file: file,
                    line: root.line,
                    message: "manifest tidak menyebut soal QTI (resource bertipe imsqti_item_xmlv2p1/v2p2/v3p0)"
                )
            )
        }
        return (sources, problems)
    }
}
