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

    static func find(_ path: String) -> (sources: [Source], problems: [BankProblem]) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            return ([], [BankProblem(code: "unreadable", file: path, line: nil, message: "berkas atau folder tidak ada")])
        }
        guard isDirectory.boolValue else {
            if path.lowercased().hasSuffix(".zip") {
                return (
                    [],
                    [
                        BankProblem(
                            code: "zip-package",
                            file: path,
                            line: nil,
                            message: "paket .zip belum dibaca langsung; ekstrak dulu (mis. unzip \(path) -d FOLDER), lalu impor foldernya"
                        )
                    ]
                )
            }
            if (path as NSString).lastPathComponent == manifestName { return manifest(path, folder: (path as NSString).deletingLastPathComponent) }
            return ([Source(file: path, name: ((path as NSString).lastPathComponent as NSString).deletingPathExtension)], [])
        }
        let all = ((FileManager.default.enumerator(atPath: path)?.allObjects as? [String]) ?? []).sorted()
        // A package inside the folder is read through its manifest; the rest file by file.
        let packages = all.filter { ($0 as NSString).lastPathComponent == manifestName }.map { ($0 as NSString).deletingLastPathComponent }
        var sources: [Source] = []
        var problems: [BankProblem] = []
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
            let path = href.removingPercentEncoding ?? href
            // Only files inside the package: a manifest cannot make the import read elsewhere.
            guard !path.hasPrefix("/"), !path.split(separator: "/").contains(".."), !path.contains("://") else {
                problems.append(BankProblem(code: "outside-package", file: file, line: resource.line, message: "href '\(href)' menunjuk ke luar paket"))
                continue
            }
            let full = BankLoader.join(folder, path)
            guard FileManager.default.fileExists(atPath: full) else {
                problems.append(BankProblem(code: "unreadable", file: file, line: resource.line, message: "berkas \(href) yang disebut manifest tidak ada"))
                continue
            }
            sources.append(Source(file: full, name: (path as NSString).deletingPathExtension))
        }
        return (sources, problems)
    }
}
