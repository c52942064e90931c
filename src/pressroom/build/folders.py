"""Where a build may write: an output folder of its own, never one that holds other things.

A build writes thousands of files into its output folder and clears the temporary files a
killed build left there. Pointed at ``/``, the home folder or the working folder it would
scatter editions among the user's own files; pointed into the releases folder, every build
would read its own DOCX editions back as new releases (1, 3, then 5 files). Both are refused
with a plain message before anything is written.
"""

from __future__ import annotations

from pathlib import Path

_ADVICE = "choose a folder of its own for the published files, such as 'output' (--output FOLDER)"


def output_folder_problem(output: Path, releases: Path | None = None) -> str | None:
    """Why ``output`` must not be written by a build reading ``releases``, or None if it may."""
    target = output.expanduser().resolve()
    places = [
        (Path.home().resolve(), "your home folder"),
        (Path.cwd().resolve(), "the working folder"),
    ]
    if target == Path(target.anchor):
        return f"The output folder {output} is the root of the file system; {_ADVICE}"
    for place, name in places:
        if target == place:
            return f"The output folder {output} is {name}; {_ADVICE}"
        if place.is_relative_to(target):
            return f"The output folder {output} holds {name} ({place}); {_ADVICE}"
    if releases is not None:
        source = releases.expanduser().resolve()
        if target.is_relative_to(source):
            return (
                f"The output folder {output} is inside the releases folder {releases}: every build "
                f"would read its own editions back as releases; {_ADVICE}"
            )
        if source.is_relative_to(target):
            return f"The output folder {output} holds the releases folder {releases}; {_ADVICE}"
    return None
