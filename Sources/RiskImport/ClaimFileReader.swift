// Reading one claim file: the GIAMDINHHS envelope (THONGTINHOSO/DANHSACHHOSO/HOSO/FILEHOSO with
// LOAIHOSO and NOIDUNGFILE), base64 or plain inner tables, and the records of XML1, XML2 and XML4.
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// The claim tables this importer reads.
enum ClaimTable: String, Sendable {
    case xml1 = "XML1"
    case xml2 = "XML2"
    case xml4 = "XML4"

    /// The record element of each table (Decision 130 and 4210 use the same names).
    var recordTag: String {
        switch self {
        case .xml1: return "TONG_HOP"
        case .xml2: return "CHI_TIET_THUOC"
        case .xml4: return "CHI_TIET_CLS"
        }
    }

    /// The table whose inner root element has this name (for inner tables given on their own).
    static func byRoot(_ name: String) -> ClaimTable? {
        switch name {
        case "TONG_HOP": return .xml1
        case "CHITIEU_CHITIET_THUOC", "DSACH_CHI_TIET_THUOC": return .xml2
        case "CHITIEU_CHITIET_DICHVUCANLAMSANG", "DSACH_CHI_TIET_CLS": return .xml4
        default: return nil
        }
    }
}

/// One record: its table, 1-based index within that table in its file, and its leaf fields.
struct ClaimRecord {
    let table: ClaimTable
    let index: Int
    /// Tag → trimmed text; the first occurrence of a tag wins.
    let fields: [String: String]

    subscript(_ tag: String) -> String { fields[tag] ?? "" }
}

/// A minimal element tree (names without namespace prefix, concatenated text and CDATA).
final class XMLElementNode {
    let name: String
    var children: [XMLElementNode] = []
    var text = ""
    init(name: String) { self.name = name }

    func child(_ name: String) -> XMLElementNode? { children.first { $0.name == name } }
}

private final class TreeBuilder: NSObject, XMLParserDelegate {
    var stack: [XMLElementNode] = []
    var root: XMLElementNode?

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
        qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]
    ) {
        let local = elementName.split(separator: ":").last.map(String.init) ?? elementName
        let node = XMLElementNode(name: local)
        if let parent = stack.last {
            parent.children.append(node)
        } else if root == nil {
            root = node
        }
        stack.append(node)
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
        if !stack.isEmpty { stack.removeLast() }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        stack.last?.text += string
    }

    func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
        stack.last?.text += String(decoding: CDATABlock, as: UTF8.self)
    }
}

enum XMLTree {
    /// The root element of well-formed UTF-8 XML, or nil. Bytes that are not valid UTF-8 are refused
    /// before parsing: FoundationXML on Linux traps on element names holding invalid UTF-8 (found by
    /// the fuzz test), and claim files are UTF-8 by the standard.
    static func parse(_ data: Data) -> XMLElementNode? {
        guard !data.isEmpty, String(validating: data, as: UTF8.self) != nil else { return nil }
        let parser = XMLParser(data: data)
        let builder = TreeBuilder()
        parser.delegate = builder
        parser.shouldProcessNamespaces = false
        parser.shouldResolveExternalEntities = false
        guard parser.parse(), builder.stack.isEmpty else { return nil }
        return builder.root
    }
}

/// A table read from a file, with the records in file order.
struct ClaimTableRecords {
    let table: ClaimTable
    var records: [ClaimRecord]
}

enum ClaimFileReader {
    /// The XML1, XML2 and XML4 records of one file. Other tables (XML3, XML5…XML15) are skipped.
    static func read(
        name: String, data: Data, problems: inout [ClaimImportProblem]
    ) throws(ClaimImportError) -> [ClaimTableRecords] {
        guard let root = XMLTree.parse(data) else { throw .notXML(file: name) }
        var counters: [ClaimTable: Int] = [:]
        var out: [ClaimTableRecords] = []
        if root.name == "GIAMDINHHS" {
            var entries: [XMLElementNode] = []
            collect(named: "FILEHOSO", in: root, into: &entries)
            for (offset, entry) in entries.enumerated() {
                let number = offset + 1
                func problem(_ field: String, _ reason: String) {
                    problems.append(.init(file: name, table: "GIAMDINHHS", record: number, field: field, reason: reason))
                }
                guard let kindNode = entry.child("LOAIHOSO") else { problem("LOAIHOSO", "missing_field"); continue }
                let kind = kindNode.text.trimmingCharacters(in: .whitespacesAndNewlines).uppercased()
                guard let table = ClaimTable(rawValue: kind) else {
                    if !isClaimTableName(kind) { problem("LOAIHOSO", "unknown_table") }
                    continue
                }
                guard let content = entry.child("NOIDUNGFILE") else { problem("NOIDUNGFILE", "missing_field"); continue }
                let inner: XMLElementNode
                if let first = content.children.first {
                    inner = first  // already decoded: the inner table as child elements
                } else {
                    let text = content.text.trimmingCharacters(in: .whitespacesAndNewlines)
                    if text.isEmpty { problem("NOIDUNGFILE", "empty"); continue }
                    if text.hasPrefix("<") {
                        guard let parsed = XMLTree.parse(Data(text.utf8)) else { throw .innerNotXML(file: name, entry: number) }
                        inner = parsed
                    } else {
                        let compact = String(text.unicodeScalars.filter { !CharacterSet.whitespacesAndNewlines.contains($0) })
                        guard let decoded = Data(base64Encoded: compact) else { throw .badBase64(file: name, entry: number) }
                        guard let parsed = XMLTree.parse(decoded) else { throw .innerNotXML(file: name, entry: number) }
                        inner = parsed
                    }
                }
                out.append(records(of: table, in: inner, file: name, counters: &counters, problems: &problems))
            }
            return out
        }
        if let table = ClaimTable.byRoot(root.name) {
            return [records(of: table, in: root, file: name, counters: &counters, problems: &problems)]
        }
        throw .noEnvelope(file: name)
    }

    /// `XML` followed by 1–2 digits: a table of the standard this importer does not need.
    private static func isClaimTableName(_ s: String) -> Bool {
        guard s.hasPrefix("XML") else { return false }
        let rest = s.dropFirst(3)
        return (1...2).contains(rest.count) && rest.allSatisfy { $0.isASCII && $0.isNumber }
    }

    private static func collect(named name: String, in node: XMLElementNode, into out: inout [XMLElementNode]) {
        for child in node.children {
            if child.name == name { out.append(child) } else { collect(named: name, in: child, into: &out) }
        }
    }

    /// Records are the table's record elements (e.g. CHI_TIET_CLS), and any other element that holds
    /// a leaf MA_LK (vendor wrappers differ). A record element with nested elements is malformed.
    private static func records(
        of table: ClaimTable, in root: XMLElementNode, file: String,
        counters: inout [ClaimTable: Int], problems: inout [ClaimImportProblem]
    ) -> ClaimTableRecords {
        var found: [XMLElementNode] = []
        func walk(_ node: XMLElementNode) {
            let hasKey = node.children.contains { $0.name == "MA_LK" && $0.children.isEmpty }
            if node.name == table.recordTag || hasKey {
                found.append(node)
                return
            }
            for child in node.children { walk(child) }
        }
        walk(root)
        var out = ClaimTableRecords(table: table, records: [])
        for node in found {
            let index = (counters[table] ?? 0) + 1
            counters[table] = index
            var fields: [String: String] = [:]
            var nested = false
            for child in node.children {
                if !child.children.isEmpty { nested = true; continue }
                if fields[child.name] == nil {
                    fields[child.name] = child.text.trimmingCharacters(in: .whitespacesAndNewlines)
                }
            }
            if nested {
                problems.append(.init(file: file, table: table.rawValue, record: index, field: node.name, reason: "malformed_record"))
            }
            out.records.append(ClaimRecord(table: table, index: index, fields: fields))
        }
        return out
    }
}
