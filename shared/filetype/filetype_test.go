package filetype_test

import (
	"context"
	"testing"

	"github.com/openpayer/provider-portal/shared/filetype"
	"github.com/openpayer/provider-portal/shared/filetype/filetypetest"
)

func TestDetectEachAcceptedType(t *testing.T) {
	for want, b := range filetypetest.Samples() {
		r := &filetypetest.Reader{B: b}
		v, err := filetype.Detect(context.Background(), r, int64(len(b)))
		if err != nil || v.Type != want {
			t.Errorf("%s sample detected as %+v, %v", want, v, err)
		}
	}
}

func TestDetectRefusals(t *testing.T) {
	for name, tc := range map[string]struct {
		b          []byte
		executable bool
	}{
		"executable":          {filetypetest.Executable(), true},
		"ELF":                 {append([]byte("\x7fELF\x02\x01\x01"), make([]byte, 100)...), true},
		"shell script":        {[]byte("#!/bin/sh\nrm -rf /\n"), true},
		"truncated PDF":       {[]byte("%PDF-1.4\n1 0 obj"), false},
		"plain ZIP":           {filetypetest.OOXML("notes/readme.xml"), false},
		"PowerPoint-like OLE": {filetypetest.OLE2("PowerPoint Document"), false},
		"binary noise":        {[]byte{0x00, 0x01, 0x02, 0x03, 0xFE, 0xFF}, false},
		"empty":               {nil, false},
	} {
		v, err := filetype.Detect(context.Background(), &filetypetest.Reader{B: tc.b}, int64(len(tc.b)))
		if err != nil || v.Type != "" || v.Executable != tc.executable || v.Why == "" {
			t.Errorf("%s: %+v %v", name, v, err)
		}
	}
}

// macroSamples are Office documents with active content, whatever their
// name: VBA projects in OOXML and OLE2 files, and Excel 4.0 macro sheets.
func macroSamples() map[string][]byte {
	return map[string][]byte{
		"docm":                    filetypetest.OOXML("word/document.xml", "word/vbaProject.bin", "word/vbaData.xml"),
		"xlsm":                    filetypetest.OOXML("xl/workbook.xml", "xl/vbaProject.bin"),
		"xlsx with a macro sheet": filetypetest.OOXML("xl/workbook.xml", "xl/macrosheets/sheet1.xml"),
		"pptm":                    filetypetest.OOXML("ppt/presentation.xml", "ppt/vbaProject.bin"),
		"doc with macros":         filetypetest.OLE2("WordDocument", "Macros"),
		"xls with macros":         filetypetest.OLE2("Workbook", "_VBA_PROJECT_CUR"),
	}
}

func TestMacrosAreFoundWhateverTheName(t *testing.T) {
	for name, b := range macroSamples() {
		r := &filetypetest.Reader{B: b}
		v, err := filetype.Detect(context.Background(), r, int64(len(b)))
		if err != nil || !v.Macros {
			t.Errorf("%s: %+v %v, want macros found", name, v, err)
		}
		if r.Read > filetype.MaxBytesRead {
			t.Errorf("%s: read %d bytes", name, r.Read)
		}
	}
	// The same documents without macros are plain.
	for name, b := range map[string][]byte{
		"docx": filetypetest.OOXML("word/document.xml", "word/styles.xml"),
		"doc":  filetypetest.OLE2("WordDocument", "ObjectPool"),
	} {
		if v, err := filetype.Detect(context.Background(), &filetypetest.Reader{B: b}, int64(len(b))); err != nil || v.Macros || v.Type == "" {
			t.Errorf("%s: %+v %v", name, v, err)
		}
	}
}

// A large file costs the same few ranges as a small one.
func TestDetectReadsAtMost64KiB(t *testing.T) {
	big := filetypetest.PDF(100 << 20)
	r := &filetypetest.Reader{B: big}
	v, err := filetype.Detect(context.Background(), r, int64(len(big)))
	if err != nil || v.Type != filetype.PDF {
		t.Fatalf("%+v %v", v, err)
	}
	if r.Read > filetype.MaxBytesRead {
		t.Errorf("read %d bytes of a 100 MB file; the budget is %d", r.Read, filetype.MaxBytesRead)
	}
	for typ, b := range filetypetest.Samples() {
		r := &filetypetest.Reader{B: b}
		_, _ = filetype.Detect(context.Background(), r, int64(len(b)))
		if r.Read > filetype.MaxBytesRead {
			t.Errorf("%s: read %d bytes", typ, r.Read)
		}
	}
}

func TestFromFileName(t *testing.T) {
	for name, want := range map[string]filetype.Type{"scan.JPG": filetype.JPEG, "a.b.tif": filetype.TIFF, "r.docx": filetype.DOCX} {
		if got, ok := filetype.FromFileName(name); !ok || got != want {
			t.Errorf("%s: %s %v", name, got, ok)
		}
	}
	if _, ok := filetype.FromFileName("setup.exe"); ok {
		t.Error(".exe accepted")
	}
}

func FuzzDetect(f *testing.F) {
	for _, b := range filetypetest.Samples() {
		f.Add(b)
	}
	for _, b := range macroSamples() {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		r := &filetypetest.Reader{B: b}
		_, _ = filetype.Detect(context.Background(), r, int64(len(b)))
		if r.Read > filetype.MaxBytesRead {
			t.Fatalf("read %d", r.Read)
		}
	})
}

// BenchmarkDetect tells each accepted type from its content, as the
// processor does for every upload.
func BenchmarkDetect(b *testing.B) {
	for typ, content := range filetypetest.Samples() {
		b.Run(string(typ), func(b *testing.B) {
			for b.Loop() {
				v, err := filetype.Detect(context.Background(), &filetypetest.Reader{B: content}, int64(len(content)))
				if err != nil || v.Type != typ {
					b.Fatalf("%+v %v", v, err)
				}
			}
		})
	}
}
