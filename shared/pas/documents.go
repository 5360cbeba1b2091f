package pas

import (
	"bytes"
	"crypto/sha1" // FHIR's Attachment.hash is SHA-1: checked for damage, not trusted for security
	"encoding/base64"
	"fmt"
)

// Document is a file a request carries in itself: the attachment of a
// DocumentReference that a supportingInfo of PAS's additionalInformation
// names, or a supportingInfo's own valueAttachment. It goes through the
// same file checks as an upload at the portal.
type Document struct {
	// Title is the attachment's title as sent; "" if none. It may be a
	// file name or a label ("Procedure note"), and is PHI either way.
	Title       string
	ContentType string
	Data        []byte
	// Where is the FHIRPath of the attachment, for its problems.
	Where string
}

// MaxDocuments is the most documents one request carries: as many as one
// submission of files at the portal.
const MaxDocuments = 20

// Attachment is FHIR's Attachment: a document's content, inline (data) or
// at a URL.
type Attachment struct {
	ContentType string `json:"contentType,omitempty"`
	Data        string `json:"data,omitempty"`
	URL         string `json:"url,omitempty"`
	Size        *int64 `json:"size,omitempty"`
	Hash        string `json:"hash,omitempty"`
	Title       string `json:"title,omitempty"`
}

// DocumentReference is the part of a PAS DocumentReference the mapping
// reads: its contents.
type DocumentReference struct {
	ResourceType string `json:"resourceType"`
	Content      []struct {
		Attachment Attachment `json:"attachment"`
	} `json:"content"`
}

// The sentences for a document the plan cannot take as sent.
const (
	sayDocumentLink       = "This document is given as a link, which the plan cannot open. Include the document itself in the request."
	sayDocumentEmpty      = "This document has no content. Include the document itself in the request."
	sayDocumentDamaged    = "This document arrived damaged: its content is not what your system stated. Send the request again."
	sayDocumentMissing    = "The document this supporting information names is missing from the request."
	sayDocumentUnreadable = "This document's details could not be read. Send the request again; if it keeps happening, contact your system's vendor."
	sayNotADocument       = "This supporting information can be received only as a document. Send it as a file, such as a PDF, attached to the request."
	sayTooManyDocs        = "A request can carry at most 20 documents. Send the most relevant ones; more can be added to the request at the portal."
)

// readDocuments reads the documents the request carries: every problem
// with one is reported at its place, all at once.
func (r *Request) readDocuments(b *Bundle, c *Claim, f map[string]string) {
	claim := entryPath(0)
	r.Where["uploadIds"] = claim + ".supportingInfo"
	for k, s := range c.SupportingInfo {
		where := fmt.Sprintf("%s.supportingInfo[%d]", claim, k)
		switch {
		case s.ValueAttachment != nil:
			r.readAttachment(*s.ValueAttachment, where+".valueAttachment", f)
		case s.Category.Code(SystemPASTemp) != "additionalInformation":
			continue
		case s.ValueReference == nil:
			f[where] = sayDocumentMissing
		default:
			i, h := b.resolve(*s.ValueReference)
			if i < 0 {
				f[where+".valueReference"] = sayDocumentMissing
				continue
			}
			var d DocumentReference
			switch {
			case h.ResourceType != "DocumentReference":
				f[where+".valueReference"] = sayNotADocument
				continue
			case b.decode(i, &d) != nil:
				f[entryPath(i)] = sayDocumentUnreadable
				continue
			case len(d.Content) == 0:
				f[entryPath(i)+".content"] = sayDocumentEmpty
				continue
			}
			for j, c := range d.Content {
				r.readAttachment(c.Attachment, fmt.Sprintf("%s.content[%d].attachment", entryPath(i), j), f)
			}
		}
	}
	if len(r.Documents) > MaxDocuments {
		f[claim+".supportingInfo"] = sayTooManyDocs
	}
}

// readAttachment reads one inline document; its size and hash, when
// stated, must be the content's.
func (r *Request) readAttachment(a Attachment, where string, f map[string]string) {
	if a.Data == "" {
		f[where] = sayDocumentEmpty
		if a.URL != "" {
			f[where] = sayDocumentLink
		}
		return
	}
	data, err := base64.StdEncoding.DecodeString(a.Data)
	if err != nil {
		f[where+".data"] = sayDocumentDamaged
		return
	}
	if a.Size != nil && *a.Size != int64(len(data)) {
		f[where+".size"] = sayDocumentDamaged
		return
	}
	if a.Hash != "" {
		sum := sha1.Sum(data)
		if want, err := base64.StdEncoding.DecodeString(a.Hash); err != nil || !bytes.Equal(want, sum[:]) {
			f[where+".hash"] = sayDocumentDamaged
			return
		}
	}
	r.Documents = append(r.Documents, Document{Title: a.Title, ContentType: a.ContentType, Data: data, Where: where})
}
