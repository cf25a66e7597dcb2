from setuptools import setup
from setuptools.command.install import install

class PostInstall(install):
    def run(self):
        install.run(self)

# cmdclass={"x": y} in a comment
setup(name="demo", version="1.2.0", cmdclass={"install": PostInstall})
