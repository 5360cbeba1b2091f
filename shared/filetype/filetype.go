// Package filetype tells a file's real type from its content, reading only a
// few byte ranges of it: the start, and where the format needs it the end
// (ZIP's central directory) or the directory of an OLE2 compound file. It
// never needs the whole body, so a 100 MB upload costs the same as a small one.
package filetype

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"path"
	"strings"
	"unicode/utf8"
)

// Type is an accepted document type, named by its usual extension.
type Type string

const (
	PDF  Type = "pdf"
	PNG  Type = "png"
	JPEG Type = "jpeg"
	GIF  Type = "gif"
	BMP  Type = "bmp"
	TIFF Type = "tiff"
	DOC  Type = "doc"
	XLS  Type = "xls"
	DOCX Type = "docx"
	XLSX Type = "xlsx"
	TXT  Type = "txt"
)

// ContentTypes is each type's media type, as uploads declare it.
var ContentTypes = map[Type]string{
	PDF: "application/pdf", PNG: "image/png", JPEG: "image/jpeg", GIF: "image/gif", BMP: "image/bmp",
	TIFF: "image/tiff", DOC: "application/msword", XLS: "application/vnd.ms-excel",
	DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	TXT:  "text/plain",
}

var extensions = map[string]Type{
	".pdf": PDF, ".png": PNG, ".jpg": JPEG, ".jpeg": JPEG, ".gif": GIF, ".bmp": BMP, ".tif": TIFF, ".tiff": TIFF,
	".doc": DOC, ".xls": XLS, ".docx": DOCX, ".xlsx": XLSX, ".txt": TXT,
}

// FromFileName returns the type a file name claims by its extension.
func FromFileName(name string) (Type, bool) {
	t, ok := extensions[strings.ToLower(path.Ext(name))]
	return t, ok
}

// RangeReader reads length bytes at offset of the object being checked.
type RangeReader interface {
	ReadRange(ctx context.Context, offset, length int64) ([]byte, error)
}

// Bytes is a file already in memory (a document sent inside a request), read
// as an object is.
type Bytes []byte

// ReadRange returns length bytes at offset, fewer at the end.
func (b Bytes) ReadRange(_ context.Context, offset, length int64) ([]byte, error) {
	if offset < 0 || offset > int64(len(b)) {
		return nil, nil
	}
	return b[offset:min(offset+length, int64(len(b)))], nil
}

// Verdict is what Detect found. Type is empty when the content is none of
// the accepted types; Why then says what it is, in words a provider knows.
type Verdict struct {
	Type       Type
	Executable bool
	// Macros is set for an Office document that carries macros (VBA or
	// Excel 4.0 macro sheets): active content, whatever the file is named.
	Macros bool
	Why    string
}

const (
	headBytes = 8 << 10
	tailBytes = 8 << 10
	// MaxBytesRead bounds what Detect reads of any file, whatever its size.
	MaxBytesRead = 64 << 10
)

// Detect reads the object's first bytes, and where needed a few more
// ranges, and says what it really is.
func Detect(ctx context.Context, r RangeReader, size int64) (Verdict, error) {
	if size <= 0 {
		return Verdict{Why: "the file is empty"}, nil
	}
	head, err := r.ReadRange(ctx, 0, min(size, headBytes))
	if err != nil {
		return Verdict{}, err
	}
	switch {
	case isExecutable(head):
		return Verdict{Executable: true, Why: "the file is a program, not a document"}, nil
	case bytes.HasPrefix(head, []byte("%PDF-")):
		tail, err := readTail(ctx, r, size, 1024)
		if err != nil {
			return Verdict{}, err
		}
		if !bytes.Contains(tail, []byte("%%EOF")) {
			return Verdict{Why: "the PDF is incomplete or damaged (it has no end marker)"}, nil
		}
		return Verdict{Type: PDF}, nil
	case bytes.HasPrefix(head, []byte("\x89PNG\r\n\x1a\n")):
		return Verdict{Type: PNG}, nil
	case bytes.HasPrefix(head, []byte{0xFF, 0xD8, 0xFF}):
		return Verdict{Type: JPEG}, nil
	case bytes.HasPrefix(head, []byte("GIF87a")) || bytes.HasPrefix(head, []byte("GIF89a")):
		return Verdict{Type: GIF}, nil
	case isBMP(head):
		return Verdict{Type: BMP}, nil
	case bytes.HasPrefix(head, []byte("II*\x00")) || bytes.HasPrefix(head, []byte("MM\x00*")):
		return Verdict{Type: TIFF}, nil
	case bytes.HasPrefix(head, []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}):
		return detectOLE2(ctx, r, head, size)
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		return detectOOXML(ctx, r, size)
	}
	if isText(head) {
		tail, err := readTail(ctx, r, size, tailBytes)
		if err != nil {
			return Verdict{}, err
		}
		if isText(tail) {
			return Verdict{Type: TXT}, nil
		}
	}
	return Verdict{Why: "the file is not one of the accepted document or image types"}, nil
}

func readTail(ctx context.Context, r RangeReader, size, n int64) ([]byte, error) {
	n = min(n, size)
	return r.ReadRange(ctx, size-n, n)
}

func isExecutable(b []byte) bool {
	for _, magic := range [][]byte{
		[]byte("MZ"), []byte("\x7fELF"), {0xCA, 0xFE, 0xBA, 0xBE}, {0xCF, 0xFA, 0xED, 0xFE}, {0xCE, 0xFA, 0xED, 0xFE}, []byte("#!"),
	} {
		if bytes.HasPrefix(b, magic) {
			return true
		}
	}
	return false
}

func isBMP(b []byte) bool {
	if len(b) < 18 || b[0] != 'B' || b[1] != 'M' {
		return false
	}
	switch binary.LittleEndian.Uint32(b[14:18]) { // DIB header size
	case 12, 40, 52, 56, 64, 108, 124:
		return true
	}
	return false
}

// isText accepts UTF-8 text without NUL bytes; a rune cut at the end of
// the sample is allowed.
func isText(b []byte) bool {
	if bytes.IndexByte(b, 0) >= 0 {
		return false
	}
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		if r == utf8.RuneError && n == 1 {
			return len(b) < utf8.UTFMax && !utf8.FullRune(b)
		}
		if r < 0x20 && r != '\n' && r != '\r' && r != '\t' && r != '\f' {
			return false
		}
		b = b[n:]
	}
	return true
}

// detectOLE2 tells .doc from .xls by the stream names in the compound file's
// directory: "WordDocument" or "Workbook"/"Book".
func detectOLE2(ctx context.Context, r RangeReader, head []byte, size int64) (Verdict, error) {
	unknown := Verdict{Why: "the file is an older Office file that is neither a Word document nor an Excel workbook"}
	if len(head) < 512 {
		return unknown, nil
	}
	shift := binary.LittleEndian.Uint16(head[0x1E:])
	if shift != 9 && shift != 12 {
		return unknown, nil
	}
	sector := int64(1) << shift
	dirStart := int64(binary.LittleEndian.Uint32(head[0x30:]))
	off := (dirStart + 1) * sector
	if off >= size {
		return unknown, nil
	}
	dir, err := r.ReadRange(ctx, off, min(4<<10, size-off))
	if err != nil {
		return Verdict{}, err
	}
	var v Verdict
	for i := 0; i+128 <= len(dir); i += 128 {
		e := dir[i : i+128]
		n := int(binary.LittleEndian.Uint16(e[0x40:]))
		if n < 2 || n > 64 {
			continue
		}
		name := utf16le(e[:n-2])
		switch name {
		case "WordDocument":
			v.Type = DOC
		case "Workbook", "Book":
			v.Type = XLS
		case "Macros", "_VBA_PROJECT_CUR", "_VBA_PROJECT", "VBA":
			// Word keeps its VBA project in a "Macros" storage, Excel in
			// "_VBA_PROJECT_CUR".
			v.Macros = true
		}
	}
	if v.Type == "" {
		return unknown, nil
	}
	return v, nil
}

func utf16le(b []byte) string {
	var sb strings.Builder
	for i := 0; i+1 < len(b); i += 2 {
		sb.WriteRune(rune(binary.LittleEndian.Uint16(b[i:])))
	}
	return sb.String()
}

// detectOOXML tells .docx from .xlsx by the part names in the ZIP's central
// directory, found from the end-of-central-directory record at the tail.
func detectOOXML(ctx context.Context, r RangeReader, size int64) (Verdict, error) {
	notOffice := Verdict{Why: "the file is a ZIP archive, not a Word or Excel document"}
	tail, err := readTail(ctx, r, size, tailBytes)
	if err != nil {
		return Verdict{}, err
	}
	i := bytes.LastIndex(tail, []byte("PK\x05\x06"))
	if i < 0 || len(tail)-i < 22 {
		return notOffice, nil
	}
	cdSize := int64(binary.LittleEndian.Uint32(tail[i+12:]))
	cdOff := int64(binary.LittleEndian.Uint32(tail[i+16:]))
	tailStart := size - int64(len(tail))
	var cd []byte
	switch {
	case cdOff < 0 || cdOff+cdSize > size:
		return notOffice, nil
	case cdOff >= tailStart:
		cd = tail[cdOff-tailStart : min(int64(len(tail)), cdOff-tailStart+cdSize)]
	default:
		// Enough of the directory to find the main part in any real document.
		if cd, err = r.ReadRange(ctx, cdOff, min(cdSize, 32<<10)); err != nil {
			return Verdict{}, err
		}
	}
	var v Verdict
	for len(cd) >= 46 && bytes.HasPrefix(cd, []byte("PK\x01\x02")) {
		nameLen := int(binary.LittleEndian.Uint16(cd[28:]))
		extra := int(binary.LittleEndian.Uint16(cd[30:]))
		comment := int(binary.LittleEndian.Uint16(cd[32:]))
		if 46+nameLen > len(cd) {
			break
		}
		switch name := string(cd[46 : 46+nameLen]); {
		case name == "word/document.xml":
			v.Type = DOCX
		case name == "xl/workbook.xml":
			v.Type = XLSX
		case strings.HasSuffix(name, "vbaProject.bin") || strings.HasSuffix(name, "vbaData.xml") ||
			strings.HasPrefix(name, "xl/macrosheets/"):
			// A VBA project (docm, xlsm, pptm content) or an Excel 4.0
			// macro sheet: the whole directory is read to find them.
			v.Macros = true
		}
		next := 46 + nameLen + extra + comment
		if next > len(cd) {
			break
		}
		cd = cd[next:]
	}
	if v.Type == "" && !v.Macros {
		return notOffice, nil
	}
	return v, nil
}

// Extension returns the usual file extension of t, without the dot.
func Extension(t Type) string {
	switch t {
	case JPEG:
		return "jpg"
	case TIFF:
		return "tif"
	}
	return string(t)
}

func Describe(t Type) string {
	names := map[Type]string{
		PDF: "a PDF", PNG: "a PNG image", JPEG: "a JPEG image", GIF: "a GIF image", BMP: "a BMP image",
		TIFF: "a TIFF image", DOC: "a Word document (.doc)", XLS: "an Excel workbook (.xls)",
		DOCX: "a Word document (.docx)", XLSX: "an Excel workbook (.xlsx)", TXT: "a text file",
	}
	if n, ok := names[t]; ok {
		return n
	}
	return fmt.Sprintf("a %s file", t)
}
