# Build the Windows installer: PyInstaller one-folder bundle, smoke run, then Inno Setup.
#
#   pwsh packaging\windows\build.ps1
#
# NOT RUN in this project yet (no Windows machine): a recipe. Needs the project's venv
# (python -m venv .venv; .venv\Scripts\pip install -e ".[test]") or $env:PYTHON, and
# Inno Setup 6 (ISCC.exe; $env:ISCC overrides where it is). Output: dist\briefing-app-<version>-setup.exe
$ErrorActionPreference = "Stop"
Set-StrictMode -Version Latest
$Root = (Resolve-Path (Join-Path $PSScriptRoot "..\..")).Path
Set-Location $Root

$Python = if ($env:PYTHON) { $env:PYTHON } else { Join-Path $Root ".venv\Scripts\python.exe" }
function Invoke-Checked { param([string]$What) if ($LASTEXITCODE -ne 0) { throw "$What failed ($LASTEXITCODE)" } }

& $Python -m PyInstaller --version *> $null
if ($LASTEXITCODE -ne 0) { & $Python -m pip install -q "pyinstaller>=6.10"; Invoke-Checked "pip install pyinstaller" }

$Version = & $Python -c "import tomllib; print(tomllib.load(open('pyproject.toml', 'rb'))['project']['version'])"
Invoke-Checked "reading the version"
Write-Host "build: Briefing $Version"

$started = Get-Date
& $Python -m PyInstaller --noconfirm --clean --log-level WARN `
    --workpath packaging\build\pyinstaller --distpath packaging\build\dist packaging\briefing-app.spec
Invoke-Checked "PyInstaller"
Write-Host ("build: PyInstaller {0:N0} s" -f ((Get-Date) - $started).TotalSeconds)

# The bundle must run before it is packed: the CLI, then the window offscreen.
$Exe = "packaging\build\dist\briefing-app\briefing-app.exe"
& $Exe --version; Invoke-Checked "briefing-app --version"
$env:QT_QPA_PLATFORM = "offscreen"
& $Exe gui --smoke; Invoke-Checked "briefing-app gui --smoke"
Remove-Item Env:QT_QPA_PLATFORM
if (-not (Test-Path "packaging\build\dist\briefing-app\Briefing.exe")) { throw "the windowed Briefing.exe is missing" }

$Iscc = if ($env:ISCC) { $env:ISCC } else { Join-Path ${env:ProgramFiles(x86)} "Inno Setup 6\ISCC.exe" }
if (-not (Test-Path $Iscc)) { throw "Inno Setup's ISCC.exe not found at $Iscc (install Inno Setup 6, or set `$env:ISCC)" }
& $Iscc "/DAppVersion=$Version" packaging\windows\briefing-app.iss
Invoke-Checked "ISCC"

$Setup = Get-Item "dist\briefing-app-$Version-setup.exe"
Write-Host ("build: {0} ({1:N1} MiB)" -f $Setup.FullName, ($Setup.Length / 1MB))
