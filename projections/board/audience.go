package board

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/marking"
)

// markingList is what a viewer must be allowed to see, all of it, to see an
// item: a report's own marking followed by the markings of the reports it
// corrects, nearest first. Interned lists are never modified.
type markingList []marking.Marking

func (l markingList) mayView(v marking.Viewer, participants []domain.AgencyID) bool {
	for _, m := range l {
		if !marking.MayView(m, v, participants) {
			return false
		}
	}
	return true
}

// Audience says which agencies may see a Change: participants of the
// operation (as they were when the change happened), optionally only one
// named agency, allowed to see every marking list in all and not allowed to
// see any list in not. An Audience with nothing but participants is "every
// participating agency". It holds no reference to the board, so a hub may
// keep it after the board has moved on.
type Audience struct {
	participants []domain.AgencyID
	agency       domain.AgencyID
	all          []markingList
	not          []markingList
}

// Includes reports whether viewer may see the change.
func (a Audience) Includes(viewer marking.Viewer) bool {
	if viewer.Agency.IsZero() || !slices.Contains(a.participants, viewer.Agency) {
		return false
	}
	if !a.agency.IsZero() && viewer.Agency != a.agency {
		return false
	}
	for _, l := range a.all {
		if !l.mayView(viewer, a.participants) {
			return false
		}
	}
	for _, l := range a.not {
		if l.mayView(viewer, a.participants) {
			return false
		}
	}
	return true
}

// AllParticipants reports whether the audience is every participating agency,
// with no marking to check: a hub may then encode the change once for all.
func (a Audience) AllParticipants() bool {
	return a.agency.IsZero() && len(a.all) == 0 && len(a.not) == 0
}

// listID and specID index the board's interned marking lists and
// audiences.
type (
	listID int32
	specID int32
)

const noList listID = -1

// spec is an interned audience without its participants, which are taken
// at the time of each change. last is the board clock at the latest change
// with this audience: a view's AsOf is the latest last among the specs that
// include its agency.
type spec struct {
	agency   domain.AgencyID
	all, not []listID
	lists    []markingList // resolved all, shared by every Audience built
	nots     []markingList // resolved not
	last     time.Time
}

// audiences interns marking lists and audience specs, so that items refer
// to a list by a small number and views evaluate each list once.
type audiences struct {
	lists    []markingList
	listKeys map[string]listID
	plain    []specID // plain[l] is the spec "may see list l"
	specs    []spec
	specKeys map[string]specID
}

// everyone is the spec of every participating agency; newAudiences interns
// it first.
const everyone specID = 0

func newAudiences() audiences {
	a := audiences{listKeys: map[string]listID{}, specKeys: map[string]specID{}}
	a.spec(domain.AgencyID{}, nil, nil)
	return a
}

// list interns a marking list.
func (a *audiences) list(l markingList) listID {
	key := listKey(l)
	if id, ok := a.listKeys[key]; ok {
		return id
	}
	id := listID(len(a.lists))
	a.lists = append(a.lists, slices.Clip(l))
	a.listKeys[key] = id
	a.plain = append(a.plain, a.spec(domain.AgencyID{}, []listID{id}, nil))
	return id
}

// extend interns the list of a correction: its own marking, then the
// corrected report's list.
func (a *audiences) extend(own marking.Marking, corrected listID) listID {
	l := markingList{own}
	if corrected != noList {
		l = append(l, a.lists[corrected]...)
	}
	return a.list(l)
}

// replaceHead interns list l with its first marking (the report's own)
// replaced: the list of a report after a relaxation.
func (a *audiences) replaceHead(l listID, own marking.Marking) listID {
	old := a.lists[l]
	n := make(markingList, len(old))
	copy(n, old)
	n[0] = own
	return a.list(n)
}

// rebase interns the list of a correction whose corrected report's list
// changed: its own marking followed by the new list.
func (a *audiences) rebase(l listID, corrected listID) listID {
	return a.extend(a.lists[l][0], corrected)
}

// spec interns an audience.
func (a *audiences) spec(agency domain.AgencyID, all, not []listID) specID {
	key := specKey(agency, all, not)
	if id, ok := a.specKeys[key]; ok {
		return id
	}
	s := spec{agency: agency, all: slices.Clone(all), not: slices.Clone(not)}
	for _, l := range all {
		s.lists = append(s.lists, a.lists[l])
	}
	for _, l := range not {
		s.nots = append(s.nots, a.lists[l])
	}
	id := specID(len(a.specs))
	a.specs = append(a.specs, s)
	a.specKeys[key] = id
	return id
}

// listKey is the interning key of a marking list: equal lists, and only
// they, have equal keys.
func listKey(l markingList) string {
	var b strings.Builder
	for _, m := range l {
		b.WriteString(markingKey(m))
		b.WriteByte(';')
	}
	return b.String()
}

// specKey is the interning key of an audience spec.
func specKey(agency domain.AgencyID, all, not []listID) string {
	var b strings.Builder
	if !agency.IsZero() {
		b.WriteString(agency.String())
	}
	for _, group := range [][]listID{all, not} {
		b.WriteByte('|')
		for _, l := range group {
			b.WriteString(strconv.Itoa(int(l)))
			b.WriteByte(',')
		}
	}
	return b.String()
}

// audience resolves an interned spec with the participants in force.
func (a *audiences) audience(id specID, participants []domain.AgencyID) Audience {
	s := &a.specs[id]
	return Audience{participants: participants, agency: s.agency, all: s.lists, not: s.nots}
}

// markingKey is a canonical text of a marking: equal markings, and only
// they, have equal keys. The JSON form is canonical (recipients and
// handling codes are sorted); a marking that cannot be encoded is invalid
// and visible to nobody, so all such markings may share one key.
func markingKey(m marking.Marking) string {
	b, err := json.Marshal(m)
	if err != nil {
		return "invalid"
	}
	return string(b)
}

// visibility evaluates, for one viewer, each interned list and spec at
// most once.
type visibility struct {
	a            *audiences
	viewer       marking.Viewer
	participants []domain.AgencyID
	lists        []int8 // 0 unknown, 1 visible, -1 not
}

func newVisibility(a *audiences, v marking.Viewer, participants []domain.AgencyID) *visibility {
	return &visibility{a: a, viewer: v, participants: participants, lists: make([]int8, len(a.lists))}
}

func (v *visibility) list(l listID) bool {
	if l == noList {
		return false
	}
	switch v.lists[l] {
	case 1:
		return true
	case -1:
		return false
	}
	ok := v.a.lists[l].mayView(v.viewer, v.participants)
	v.lists[l] = -1
	if ok {
		v.lists[l] = 1
	}
	return ok
}

func (v *visibility) spec(id specID) bool {
	s := &v.a.specs[id]
	if !s.agency.IsZero() && s.agency != v.viewer.Agency {
		return false
	}
	for _, l := range s.all {
		if !v.list(l) {
			return false
		}
	}
	for _, l := range s.not {
		if v.list(l) {
			return false
		}
	}
	return true
}
