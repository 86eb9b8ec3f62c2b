"""The keyword arguments come from the engine's option tables: every key a
call reads is a keyword of it (a key without one fails here), each appears
in the function's docstring, and Python values become the keys' text."""
import inspect

import pytest

from pyforge_cli import _options

BATCH_PARAMETERS = {"input": "file_patterns", "output": "output_dir", "format": "output_format",
                    "engine": "engine"}
CALLS = {"convert": "convert", "get_info": "info", "validate": "validate", "read": "read",
         "batch_convert": "convert"}


def test_every_key_has_a_keyword(pf):
    table = _options.table()
    assert len(table) > 30
    for call, use in CALLS.items():
        names = set(_options.names(call))
        fn = getattr(pf, call)
        doc = inspect.getdoc(fn)
        for d in table:
            if use not in d["uses"]:
                continue
            if d["name"] in _options.PARAMETERS:
                # keys that are explicit parameters (the batch's: its patterns and directory)
                param = BATCH_PARAMETERS.get(d["name"]) if call == "batch_convert" else _options.PARAMETERS[d["name"]]
                if call in ("convert", "batch_convert"):
                    assert param in inspect.signature(fn).parameters, (call, d["key"])
                continue
            assert d["name"] in names, f"{d['key']} has no keyword in {call}()"
            assert f"{d['name']} [" in doc and d["key"] in doc, f"{call}.__doc__ does not describe {d['key']}"
    assert "output" in _options.PARAMETERS and "input" in _options.PARAMETERS
    assert _options.find("engine")["key"] == "engine.name"


def test_options_listing(pf):
    conv = {o["name"]: o for o in pf.options("convert")}
    assert conv["compression"]["key"] == "output.compression" and "zstd" in conv["compression"]["values"]
    assert "holdback" not in conv and "holdback" in {o["name"] for o in pf.options("read")}
    assert "max_problems" in {o["name"] for o in pf.options("validate")}


@pytest.mark.parametrize("kwargs, pairs", [
    ({"force": True}, [("output.force", "true")]),
    ({"dictionary": False}, [("output.dictionary", "false")]),
    ({"header": "auto"}, [("input.header", "auto")]),
    ({"row_group_size": 1000}, [("output.row_group_size", "1000")]),
    ({"max_field_size": "128M"}, [("input.max_field_size", "128M")]),
    ({"partition_by": ["a", "b"]}, [("delta.partition_by", ["a", "b"])]),
    ({"partition_by": "a"}, [("delta.partition_by", ["a"])]),
    ({"sheets": ("Q1", "Q2")}, [("excel.sheets", ["Q1", "Q2"])]),
    ({"delimiter": ";", "threads": None}, [("csv.delimiter", ";")]),
])
def test_values_become_key_text(kwargs, pairs):
    assert _options.to_pairs("convert", kwargs) == pairs


@pytest.mark.parametrize("kwargs, match", [
    ({"force": "x" * 0 or 2}, "force= takes True or False"),
    ({"row_group_size": True}, "takes a number"),
    ({"row_group_size": 1.5}, "takes a number"),
    ({"partition_by": 3}, "takes a list of str"),
    ({"delimiter": None, "sep": ","}, "unexpected keyword argument 'sep'"),
])
def test_bad_python_values(kwargs, match):
    with pytest.raises(TypeError, match=match):
        _options.to_pairs("convert", kwargs)


def test_messages_spelled_for_python():
    assert _options.spell("use output.force to replace it") == "use force=True to replace it"
    assert _options.spell("try input.on_bad_rows=skip") == "try on_bad_rows='skip'"
    assert _options.spell("set input.path") == "set input_path"
    assert _options.spell("engine.threads=4 is too many") == "threads=4 is too many"
