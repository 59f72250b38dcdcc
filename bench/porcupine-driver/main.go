// Command porcupine-driver checks the JSON histories of bench/linearizability with porcupine,
// for a side-by-side comparison with Faultline's checker. It is built at bench time in a temp
// directory, against a porcupine copy outside the repository (see bench/linearizability/porcupine.ts).
//
// Usage: porcupine-driver [-timeout 60s] [-repeat 1] file.json...
// Prints one JSON line per file: {"file": ..., "verdict": "ok"|"illegal"|"unknown", "ms": ...}.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"hash/fnv"
	"math"
	"os"
	"sort"
	"time"

	"github.com/anishathalye/porcupine"
)

type fileOp struct {
	Client  int             `json:"client"`
	Input   json.RawMessage `json:"input"`
	Call    int64           `json:"call"`
	Ret     *int64          `json:"ret"`
	Output  json.RawMessage `json:"output"`
	Outcome string          `json:"outcome"`
}

type historyFile struct {
	Model string   `json:"model"`
	Ops   []fileOp `json:"ops"`
}

type input struct {
	Op     string `json:"op"`
	Key    string `json:"key"`
	Value  any    `json:"value"`
	Expect int    `json:"expect"`
}

// A register output: read value (nil = never written), cas result, or unknown.
type regOut struct {
	value   *int
	swapped bool
	unknown bool
}

type kvOut struct {
	value   *string
	unknown bool
}

const empty = math.MinInt32 // the register's "never written"

var casRegister = porcupine.Model{
	Init: func() interface{} { return empty },
	Step: func(state, in, out interface{}) (bool, interface{}) {
		st := state.(int)
		i := in.(input)
		o := out.(regOut)
		switch i.Op {
		case "read":
			if o.unknown {
				return true, st
			}
			if o.value == nil {
				return st == empty, st
			}
			return *o.value == st, st
		case "write":
			return true, int(i.Value.(float64))
		default: // cas
			swapped := st == i.Expect
			next := st
			if swapped {
				next = int(i.Value.(float64))
			}
			return o.unknown || o.swapped == swapped, next
		}
	},
	Hash: func(state interface{}) uint64 { return uint64(state.(int)) },
}

// The key-value model keeps "absent" apart from "": the state is a *string per key.
var kv = porcupine.Model{
	Partition: func(history []porcupine.Operation) [][]porcupine.Operation {
		m := map[string][]porcupine.Operation{}
		for _, op := range history {
			k := op.Input.(input).Key
			m[k] = append(m[k], op)
		}
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([][]porcupine.Operation, 0, len(keys))
		for _, k := range keys {
			parts = append(parts, m[k])
		}
		return parts
	},
	Init: func() interface{} { return kvState{} },
	Step: func(state, in, out interface{}) (bool, interface{}) {
		st := state.(kvState)
		i := in.(input)
		o := out.(kvOut)
		switch i.Op {
		case "get":
			if o.unknown {
				return true, st
			}
			if o.value == nil {
				return !st.present, st
			}
			return st.present && st.value == *o.value, st
		case "put":
			return true, kvState{present: true, value: i.Value.(string)}
		default: // append
			return true, kvState{present: true, value: st.value + i.Value.(string)}
		}
	},
	Hash: func(state interface{}) uint64 {
		st := state.(kvState)
		h := fnv.New64a()
		h.Write([]byte(st.value))
		if st.present {
			return h.Sum64() ^ 1
		}
		return h.Sum64()
	},
}

type kvState struct {
	present bool
	value   string
}

func load(path string) (porcupine.Model, []porcupine.Operation, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return porcupine.Model{}, nil, err
	}
	var f historyFile
	if err := json.Unmarshal(data, &f); err != nil {
		return porcupine.Model{}, nil, err
	}
	ops := make([]porcupine.Operation, 0, len(f.Ops))
	for _, op := range f.Ops {
		var in input
		if err := json.Unmarshal(op.Input, &in); err != nil {
			return porcupine.Model{}, nil, err
		}
		pending := op.Outcome == "unknown"
		ret := int64(math.MaxInt64) // no reply: may take effect any time after the call
		if !pending {
			ret = *op.Ret
		}
		var out interface{}
		if f.Model == "kv" {
			o := kvOut{unknown: pending}
			if !pending && in.Op == "get" {
				var v struct {
					Value *string `json:"value"`
				}
				if err := json.Unmarshal(op.Output, &v); err != nil {
					return porcupine.Model{}, nil, err
				}
				o.value = v.Value
			}
			out = o
		} else {
			o := regOut{unknown: pending}
			if !pending {
				switch in.Op {
				case "read":
					if err := json.Unmarshal(op.Output, &o.value); err != nil {
						return porcupine.Model{}, nil, err
					}
				case "cas":
					if err := json.Unmarshal(op.Output, &o.swapped); err != nil {
						return porcupine.Model{}, nil, err
					}
				}
			}
			out = o
		}
		ops = append(ops, porcupine.Operation{ClientId: op.Client, Input: in, Call: op.Call, Output: out, Return: ret})
	}
	if f.Model == "kv" {
		return kv, ops, nil
	}
	return casRegister, ops, nil
}

func main() {
	timeout := flag.Duration("timeout", 60*time.Second, "per-file timeout (0: none)")
	repeat := flag.Int("repeat", 1, "check each file up to this many times (while a check takes under 2 s) and report the fastest")
	flag.Parse()
	for _, path := range flag.Args() {
		model, ops, err := load(path)
		if err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", path, err)
			os.Exit(1)
		}
		var res porcupine.CheckResult
		ms := math.Inf(1)
		for r := 0; r < *repeat; r++ {
			start := time.Now()
			res = porcupine.CheckOperationsTimeout(model, ops, *timeout)
			took := float64(time.Since(start).Microseconds()) / 1000
			ms = math.Min(ms, took)
			if took > 2000 {
				break
			}
		}
		verdict := map[porcupine.CheckResult]string{porcupine.Ok: "ok", porcupine.Illegal: "illegal", porcupine.Unknown: "unknown"}[res]
		line, _ := json.Marshal(map[string]interface{}{"file": path, "verdict": verdict, "ms": ms})
		fmt.Println(string(line))
	}
}
