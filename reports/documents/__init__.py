"""The documents Jejak issues, one module each: its data object, its builder, its template.

`base` holds what they share (data classes, the attached CSV, verification codes);
`project_lines` what the two documents about many projects share.
"""
