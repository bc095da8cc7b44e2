"""The Terraform loader: a root module folder (HCL) or a plan JSON file, into one application."""

from __future__ import annotations

from faasguard.errors import LoadError
from faasguard.fs import ScanFS
from faasguard.loaders.interface import LoadOptions, LoadResult, issue_from_error
from faasguard.model import AppFormat

__all__ = ["TerraformLoader"]


class TerraformLoader:
    """Loads ``.tf`` root modules and ``terraform show -json`` plans.

    Discovery hands a root module as its folder (every ``.tf`` file in it is one configuration)
    and a plan as its ``.json`` file.
    """

    name = "terraform"

    def load(self, template: str, fs: ScanFS, options: LoadOptions) -> LoadResult:
        """Load the root module folder or plan file at ``template``; never raises for bad input."""
        # Imported on use: only a scan that meets Terraform pays for the parser.
        from faasguard.loaders.terraform.build import build_application
        from faasguard.loaders.terraform.modules import load_project
        from faasguard.loaders.terraform.plan import load_plan

        folder = "" if template in ("", ".") else template
        try:
            if folder.endswith(".json"):
                project = load_plan(fs, folder)
                file, root = folder, project.root
            else:
                if folder.endswith((".tf", ".tfvars")):
                    folder = folder.rsplit("/", 1)[0] if "/" in folder else ""
                project = load_project(fs, folder, variables=options.parameters)
                file = _main_file(project.files, folder)
                root = folder
        except LoadError as exc:
            return LoadResult(issues=(issue_from_error(exc),))
        if not project.files:
            return LoadResult(issues=tuple(project.issues))
        name = (root or fs.root.resolve().name).rsplit("/", 1)[-1] or "terraform"
        app, issues = build_application(project, fs, name=name, file=file, fmt=AppFormat.TERRAFORM)
        # Sorted: evaluation is lazy, so the order issues are met in is not the file's order.
        all_issues = sorted(
            [*project.issues, *issues],
            key=lambda i: (i.location.file, i.location.line or 0, i.message),
        )
        return LoadResult(
            (app,),
            tuple(
                issue
                if issue.application
                else type(issue)(issue.kind, issue.message, issue.location, app.name)
                for issue in all_issues
            ),
        )


def _main_file(files: tuple[str, ...], folder: str) -> str:
    main = f"{folder}/main.tf" if folder else "main.tf"
    if main in files:
        return main
    return files[0] if files else folder or "."
