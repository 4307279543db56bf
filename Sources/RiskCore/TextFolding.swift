import Foundation

/// Folding of header names and code words for matching: lower case, Vietnamese diacritics
/// removed (đ → d), spaces collapsed, surrounding spaces and quotes trimmed. "Huyết áp tâm thu",
/// "HUYET AP TAM THU" and "huyet  ap tam thu" fold to the same key.
public enum TextFolding {
    public static func fold(_ s: String) -> String {
        var t = s.trimmingCharacters(in: .whitespacesAndNewlines)
            .replacingOccurrences(of: "đ", with: "d").replacingOccurrences(of: "Đ", with: "d")
        t = t.folding(options: [.diacriticInsensitive, .caseInsensitive, .widthInsensitive], locale: nil).lowercased()
        var out = ""
        var lastSpace = false
        for ch in t {
            if ch == " " || ch == "\t" || ch == "_" {
                if !lastSpace && !out.isEmpty { out.append(" ") }
                lastSpace = true
            } else {
                out.append(ch)
                lastSpace = false
            }
        }
        if out.hasSuffix(" ") { out.removeLast() }
        return out
    }
}
