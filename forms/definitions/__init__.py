"""The bundled screening XLSForms (data only; built by scripts/build_forms.py, see README.md)."""
