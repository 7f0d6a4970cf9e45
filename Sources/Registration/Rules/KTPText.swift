/// What a name or a place on a KTP can hold: letters, single spaces, apostrophes, dots,
/// commas and hyphens. A name opens messages that go to whatever address was typed, so
/// line breaks, markup, digits and web addresses are refused rather than sent on.
public enum KTPText {
    /// Why `text` cannot be a KTP `field`, or nil if it can.
    public static func problem(_ text: String, field: String) -> String? {
        let allowed = "'.,-"
        for character in text {
            if character.isLetter || character == " " || allowed.contains(character) { continue }
            return "\(field) hanya boleh memuat huruf, spasi, apostrof, titik, koma, dan tanda hubung, sesuai KTP."
        }
        if !(text.first?.isLetter ?? false) { return "\(field) harus diawali huruf." }
        if text.contains("  ") { return "\(field) tidak boleh memuat dua spasi berurutan." }
        // "S.Kom" or "M. Yusuf" are names; "contoh.com" is an address.
        if text.lowercased().contains("www") || text.contains(/\p{L}{2,}\.\p{L}{2,}/) {
            return "\(field) tidak boleh memuat alamat situs."
        }
        return nil
    }
}
