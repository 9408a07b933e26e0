package domaintest

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
)

// SameState compares two values field by field, unexported fields
// included, and describes the first difference; nil when there is none. A
// nil slice or map equals an empty one (no aggregate rule may tell them
// apart), and pointers are compared by what they point to. It is for
// comparing aggregates that reached a state by different paths.
func SameState(a, b any) error {
	return sameValue(reflect.ValueOf(a), reflect.ValueOf(b), "state")
}

func sameValue(a, b reflect.Value, path string) error {
	if a.IsValid() != b.IsValid() {
		return fmt.Errorf("%s: one value is missing", path)
	}
	if !a.IsValid() {
		return nil
	}
	if a.Type() != b.Type() {
		return fmt.Errorf("%s: %s vs %s", path, a.Type(), b.Type())
	}
	switch a.Kind() {
	case reflect.Pointer, reflect.Interface:
		if a.IsNil() || b.IsNil() {
			if a.IsNil() != b.IsNil() {
				return fmt.Errorf("%s: nil vs not nil", path)
			}
			return nil
		}
		return sameValue(a.Elem(), b.Elem(), path)
	case reflect.Struct:
		for i := range a.NumField() {
			if err := sameValue(a.Field(i), b.Field(i), path+"."+a.Type().Field(i).Name); err != nil {
				return err
			}
		}
		return nil
	case reflect.Slice, reflect.Array:
		if a.Len() != b.Len() {
			return fmt.Errorf("%s: length %d vs %d", path, a.Len(), b.Len())
		}
		for i := range a.Len() {
			if err := sameValue(a.Index(i), b.Index(i), path+"["+strconv.Itoa(i)+"]"); err != nil {
				return err
			}
		}
		return nil
	case reflect.Map:
		if a.Len() != b.Len() {
			return fmt.Errorf("%s: %d entries vs %d", path, a.Len(), b.Len())
		}
		for it := a.MapRange(); it.Next(); {
			k := describe(it.Key())
			bv := b.MapIndex(it.Key())
			if !bv.IsValid() {
				return fmt.Errorf("%s[%s]: present vs missing", path, k)
			}
			if err := sameValue(it.Value(), bv, path+"["+k+"]"); err != nil {
				return err
			}
		}
		return nil
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.String:
		if da, db := describe(a), describe(b); da != db {
			return fmt.Errorf("%s: %s vs %s", path, da, db)
		}
		return nil
	}
	return fmt.Errorf("%s: cannot compare a %s", path, a.Kind())
}

// describe renders a value of basic kinds, or of arrays and structs of
// them, without Interface (which unexported fields refuse).
func describe(v reflect.Value) string {
	switch v.Kind() {
	case reflect.Bool:
		return strconv.FormatBool(v.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(v.Int(), 10)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return strconv.FormatUint(v.Uint(), 10)
	case reflect.Float32, reflect.Float64:
		return strconv.FormatFloat(v.Float(), 'g', -1, 64)
	case reflect.String:
		return strconv.Quote(v.String())
	case reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			var b strings.Builder
			for i := range v.Len() {
				fmt.Fprintf(&b, "%02x", v.Index(i).Uint())
			}
			return b.String()
		}
		parts := make([]string, v.Len())
		for i := range parts {
			parts[i] = describe(v.Index(i))
		}
		return "[" + strings.Join(parts, " ") + "]"
	case reflect.Struct:
		parts := make([]string, v.NumField())
		for i := range parts {
			parts[i] = describe(v.Field(i))
		}
		return "{" + strings.Join(parts, " ") + "}"
	}
	return v.Type().String()
}
