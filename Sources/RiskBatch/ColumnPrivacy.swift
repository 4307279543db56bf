import RiskCore

/// What `--pseudonymise` does with an input column that is not a canonical field.
///
/// Canonical fields are parsed, never echoed. Every other column is, with `--pseudonymise`:
/// - `pseudonymise`d when its name says it identifies a person or a record (id, patient,
///   record or insurance numbers, `MA_BN`, `MA_THE`, `SO_CCCD`, …): written as
///   HMAC-SHA256(key, cell) in hex, like the `id`;
/// - `drop`ped otherwise: names, addresses, phone numbers, e-mail addresses, birth dates and free
///   text are recognised and can never be kept; any other unknown column is dropped too;
/// - `keep`: only a column named with `--keep-column` that is neither of the above.
///
/// Names are matched in English and Vietnamese, with or without diacritics, in any case, with
/// spaces, underscores, hyphens, dots or camelCase between words (`patientName`, `Họ và tên`,
/// `SO_CCCD`, `so dien thoai`). Without `--pseudonymise` every column passes through unchanged.
public enum ColumnTreatment: String, Sendable, Equatable {
    case pseudonymise
    case drop
    case keep
}

public enum ColumnPrivacy {
    /// Words of a header: camelCase split, folded (lower case, no diacritics), split on anything
    /// that is not a letter or a digit.
    public static func words(_ header: String) -> [String] {
        var spaced = ""
        var previousLower = false
        for ch in header {
            if ch.isUppercase && previousLower { spaced.append(" ") }
            spaced.append(ch)
            previousLower = ch.isLowercase || ch.isNumber
        }
        let folded = TextFolding.fold(spaced)
        return folded.split(whereSeparator: { !($0.isLetter || $0.isNumber) }).map(String.init)
    }

    /// Single words that mark a column as directly identifying (never written with
    /// `--pseudonymise`, never kept).
    static let identifyingWords: Set<String> = [
        // names
        "name", "names", "fullname", "firstname", "lastname", "surname", "forename", "givenname", "familyname",
        "hoten", "ten",
        // addresses
        "address", "addr", "street", "diachi", "residence", "postcode", "zip", "zipcode",
        // phones
        "phone", "phones", "mobile", "telephone", "tel", "cellphone", "fax", "sdt", "dienthoai",
        // e-mail
        "email", "mail",
        // birth
        "dob", "birth", "birthday", "birthdate", "ngaysinh", "namsinh", "sinh",
        // free text
        "note", "notes", "comment", "comments", "remark", "remarks", "text", "description", "freetext",
        "narrative", "ghichu", "nhanxet", "mota",
        // people around the person
        "guardian", "relative", "father", "mother", "spouse", "contact",
    ]

    /// Word pairs (Vietnamese written in two syllables) that mark a column as identifying.
    static let identifyingPairs: Set<String> = [
        "ho ten", "ho va", "va ten", "dia chi", "dien thoai", "ngay sinh", "nam sinh", "thang sinh", "ghi chu",
        "nhan xet", "mo ta", "thu dien", "nguoi than", "cha me", "so nha", "full name", "e mail", "date of",
    ]

    /// Single words that mark a column as an identifier of a person or record.
    static let idWords: Set<String> = [
        "id", "ids", "uuid", "guid", "mrn", "cccd", "cmnd", "cmt", "bhyt", "passport", "ssn", "nhs", "pid",
        "patientid", "personid", "recordid", "mabn", "mathe", "socccd", "dinhdanh", "identifier",
    ]

    /// Words that, with a number word, make an identifier (patient number, record no, …).
    static let idSubjects: Set<String> = [
        "patient", "record", "insurance", "card", "national", "medical", "identity", "health", "person", "citizen",
        "visit", "case", "member", "social", "passport", "chart", "admission", "encounter", "hospital", "subject",
        "benh", "the", "ho", "luu", "chieu", "bao",
    ]
    /// Second words of Vietnamese person or record codes (`Mã …`, `Số …`).
    static let vietnameseRecordWords: Set<String> = [
        "bn", "benh", "nguoi", "the", "lk", "ho", "cccd", "cmnd", "cmt", "bhyt", "bhxh", "dinh", "y", "luu", "ho",
        "kcb", "phieu", "vao", "hs", "ba",
    ]
    static let numberWords: Set<String> = ["number", "no", "num", "nr", "code", "key", "so", "ma"]

    /// Whether a column name says it identifies a person directly (name, address, phone, e-mail,
    /// birth date, free text).
    public static func isIdentifying(_ header: String) -> Bool {
        let w = words(header)
        if w.contains(where: identifyingWords.contains) { return true }
        if zip(w, w.dropFirst()).contains(where: { identifyingPairs.contains("\($0) \($1)") }) { return true }
        // "Họ" alone is a surname column; "Tên" alone a given name (caught above).
        return w == ["ho"]
    }

    /// Whether a column name says it holds an identifier of a person or a record.
    public static func isIDLike(_ header: String) -> Bool {
        let w = words(header)
        if w.contains(where: idWords.contains) { return true }
        // Vietnamese codes of a person or a record: "Mã BN", "Mã bệnh nhân", "Mã thẻ", "Mã LK",
        // "Số thẻ BHYT", "Số hồ sơ" (not area or facility codes such as "Mã xã", "Mã tỉnh").
        if let first = w.first, first == "ma" || first == "so", w.count >= 2, vietnameseRecordWords.contains(w[1]) {
            return true
        }
        let hasNumber = w.contains(where: numberWords.contains)
        return hasNumber && w.contains(where: idSubjects.contains)
    }

    /// The treatment of a non-canonical column under `--pseudonymise`.
    /// - Parameters:
    ///   - header: the column's name as written.
    ///   - markedIdentifying: the mapping file marks the column as identifying.
    ///   - keepColumns: folded names given with `--keep-column`.
    public static func treatment(header: String, markedIdentifying: Bool, keepColumns: Set<String>) -> ColumnTreatment {
        if isIdentifying(header) { return .drop }
        if isIDLike(header) { return .pseudonymise }
        if markedIdentifying { return .drop }
        return keepColumns.contains(TextFolding.fold(header)) ? .keep : .drop
    }

    /// Why `--keep-column NAME` cannot be honoured, or nil when it can.
    public static func keepRefusal(_ name: String) -> String? {
        if isIdentifying(name) { return "identifies a person (name, address, phone, e-mail, birth date or free text)" }
        if isIDLike(name) { return "is an identifier; it is written pseudonymised" }
        return nil
    }
}
