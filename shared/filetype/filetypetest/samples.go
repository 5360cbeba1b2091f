// Package filetypetest makes small, structurally real files of every
// accepted type, for tests: images from the standard encoders, OOXML from a
// real ZIP writer, and OLE2 compound files laid out as the format says.
package filetypetest

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/binary"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"unicode/utf16"

	"github.com/openpayer/provider-portal/shared/filetype"
)

func picture() image.Image {
	img := image.NewPaletted(image.Rect(0, 0, 4, 4), color.Palette{color.White, color.Black})
	img.SetColorIndex(1, 1, 1)
	return img
}

// Samples returns one file of each accepted type.
func Samples() map[filetype.Type][]byte {
	var pngBuf, jpgBuf, gifBuf bytes.Buffer
	_ = png.Encode(&pngBuf, picture())
	_ = jpeg.Encode(&jpgBuf, picture(), nil)
	_ = gif.Encode(&gifBuf, picture(), nil)
	return map[filetype.Type][]byte{
		filetype.PDF:  PDF(0),
		filetype.PNG:  pngBuf.Bytes(),
		filetype.JPEG: jpgBuf.Bytes(),
		filetype.GIF:  gifBuf.Bytes(),
		filetype.BMP:  bmp(),
		filetype.TIFF: tiff(),
		filetype.DOC:  OLE2("WordDocument"),
		filetype.XLS:  OLE2("Workbook"),
		filetype.DOCX: OOXML("word/document.xml"),
		filetype.XLSX: OOXML("xl/workbook.xml"),
		filetype.TXT:  []byte("Visit notes: follow-up in two weeks.\nSigned, Dr. Example\n"),
	}
}

// PDF returns a minimal PDF padded to at least size bytes.
func PDF(size int) []byte {
	head := []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n")
	tail := []byte("\ntrailer << /Root 1 0 R >>\n%%EOF\n")
	pad := max(0, size-len(head)-len(tail))
	b := make([]byte, 0, len(head)+pad+len(tail))
	b = append(b, head...)
	b = append(b, bytes.Repeat([]byte{' '}, pad)...)
	return append(b, tail...)
}

// Executable returns the start of a Windows program.
func Executable() []byte {
	b := make([]byte, 1024)
	copy(b, "MZ\x90\x00")
	copy(b[0x40:], "This program cannot be run in DOS mode.")
	return b
}

func bmp() []byte {
	const w, h = 2, 2
	row := 8 // 2 pixels * 3 bytes, padded to 4
	b := make([]byte, 54+row*h)
	copy(b, "BM")
	binary.LittleEndian.PutUint32(b[2:], uint32(len(b)))
	binary.LittleEndian.PutUint32(b[10:], 54)
	binary.LittleEndian.PutUint32(b[14:], 40)
	binary.LittleEndian.PutUint32(b[18:], w)
	binary.LittleEndian.PutUint32(b[22:], h)
	binary.LittleEndian.PutUint16(b[26:], 1)
	binary.LittleEndian.PutUint16(b[28:], 24)
	return b
}

func tiff() []byte {
	// Header, then one IFD with the minimum tags of a 1x1 bilevel image.
	b := []byte("II*\x00\x08\x00\x00\x00")
	tags := [][3]uint32{{256, 3, 1}, {257, 3, 1}, {259, 3, 1}, {262, 3, 0}, {273, 4, 8 + 2 + 6*12 + 4}, {279, 4, 1}}
	ifd := make([]byte, 2+len(tags)*12+4)
	binary.LittleEndian.PutUint16(ifd, uint16(len(tags)))
	for i, t := range tags {
		e := ifd[2+i*12:]
		binary.LittleEndian.PutUint16(e, uint16(t[0]))
		binary.LittleEndian.PutUint16(e[2:], uint16(t[1]))
		binary.LittleEndian.PutUint32(e[4:], 1)
		binary.LittleEndian.PutUint32(e[8:], t[2])
	}
	return append(append(b, ifd...), 0x00)
}

// OOXML returns a ZIP package with a content-types part, then parts (the
// main part first, such as word/document.xml; then any others, such as
// word/vbaProject.bin for a macro-enabled document).
func OOXML(parts ...string) []byte {
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	names := append([]string{"[Content_Types].xml", "_rels/.rels"}, parts...)
	for _, name := range names {
		w, _ := z.Create(name)
		_, _ = w.Write([]byte(`<?xml version="1.0"?><root/>`))
	}
	_ = z.Close()
	return buf.Bytes()
}

// OLE2 returns a compound file (512-byte sectors) whose directory holds the
// root entry, one stream named stream, as Word and Excel 97-2003 files do,
// and a storage for each of storages (such as "Macros", where Word keeps a
// document's VBA project).
func OLE2(stream string, storages ...string) []byte {
	const sector = 512
	const endOfChain, freeSect, fatSect = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD
	b := make([]byte, sector*4) // header, FAT, directory, stream data
	copy(b, []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1})
	le := binary.LittleEndian
	le.PutUint16(b[0x18:], 0x3E)
	le.PutUint16(b[0x1A:], 3)
	le.PutUint16(b[0x1C:], 0xFFFE)
	le.PutUint16(b[0x1E:], 9) // sector shift: 512
	le.PutUint16(b[0x20:], 6)
	le.PutUint32(b[0x2C:], 1) // FAT sectors
	le.PutUint32(b[0x30:], 1) // first directory sector
	le.PutUint32(b[0x38:], 4096)
	le.PutUint32(b[0x3C:], endOfChain)
	le.PutUint32(b[0x44:], endOfChain)
	le.PutUint32(b[0x4C:], 0) // DIFAT[0]: the FAT is sector 0
	for i := 0x50; i < sector; i += 4 {
		le.PutUint32(b[i:], freeSect)
	}
	fat := b[sector : 2*sector]
	for i := 0; i < sector; i += 4 {
		le.PutUint32(fat[i:], freeSect)
	}
	le.PutUint32(fat[0:], fatSect)
	le.PutUint32(fat[4:], endOfChain)
	le.PutUint32(fat[8:], endOfChain)
	dir := b[2*sector : 3*sector]
	entry := func(i int, name string, typ byte, start, size uint32) {
		e := dir[i*128 : (i+1)*128]
		u := utf16.Encode([]rune(name))
		for j, c := range u {
			le.PutUint16(e[j*2:], c)
		}
		le.PutUint16(e[0x40:], uint16((len(u)+1)*2))
		e[0x42] = typ
		e[0x43] = 1 // black
		le.PutUint32(e[0x44:], freeSect)
		le.PutUint32(e[0x48:], freeSect)
		le.PutUint32(e[0x4C:], freeSect)
		le.PutUint32(e[0x74:], start)
		le.PutUint32(e[0x78:], size)
	}
	entry(0, "Root Entry", 5, endOfChain, 0)
	le.PutUint32(dir[0x4C:], 1) // root's child: entry 1
	entry(1, stream, 2, 2, sector)
	for i, name := range storages {
		entry(2+i, name, 1, 0, 0)
		le.PutUint32(dir[(1+i)*128+0x48:], uint32(2+i)) // the previous entry's right sibling
	}
	return b
}

// Reader serves byte ranges of B, as S3 ranged GETs would, and counts them.
type Reader struct {
	B    []byte
	Read int64
}

// ReadRange returns length bytes at offset, fewer at the end.
func (r *Reader) ReadRange(ctx context.Context, offset, length int64) ([]byte, error) {
	b, err := filetype.Bytes(r.B).ReadRange(ctx, offset, length)
	r.Read += int64(len(b))
	return b, err
}

// BytesRead is how much ReadRange returned.
func (r *Reader) BytesRead() int64 { return r.Read }
