; Inno Setup script for the Windows installer of Briefing.
; NOT RUN in this project's CI or by its developers yet: a recipe, written without a Windows
; machine. build.ps1 runs it after PyInstaller:
;
;   ISCC.exe /DAppVersion=0.2.0 packaging\windows\briefing-app.iss
;
; It installs the PyInstaller one-folder bundle (packaging\build\dist\briefing-app), adds a
; Start-menu entry for the windowed Briefing.exe and an uninstaller. The console
; briefing-app.exe in the same folder is the command line.

#ifndef AppVersion
  #error Pass the version: ISCC /DAppVersion=X.Y.Z briefing-app.iss (build.ps1 reads it from pyproject.toml)
#endif

#define AppName "Briefing"
#define Bundle "..\build\dist\briefing-app"

[Setup]
; The AppId identifies this application to Windows' uninstaller across versions: never change it.
AppId={{1E599A68-F371-4BB9-95D2-8F6BE9FC8177}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=Briefing developers
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
; Installs for the current user without admin rights by default; the dialog offers all users.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\..\dist
OutputBaseFilename=briefing-app-{#AppVersion}-setup
SetupIconFile=..\..\resources\icons\briefing-app.ico
UninstallDisplayIcon={app}\Briefing.exe
UninstallDisplayName={#AppName} {#AppVersion}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "{#Bundle}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\Briefing.exe"; IconFilename: "{app}\_internal\briefing_app\resources\icons\briefing-app.ico"; Comment: "Offline briefing on US-Pakistan critical-minerals cooperation"
Name: "{group}\{cm:UninstallProgram,{#AppName}}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\Briefing.exe"; IconFilename: "{app}\_internal\briefing_app\resources\icons\briefing-app.ico"; Tasks: desktopicon

[Run]
Filename: "{app}\Briefing.exe"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

; No [UninstallDelete]: the app writes nothing into {app}. The user's notes live in their own
; data folder (%LOCALAPPDATA%\briefing-app), which an uninstall deliberately leaves alone.
