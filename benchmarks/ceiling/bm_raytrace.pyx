# cython: language_level=3, cdivision=True
# Hand-typed ceiling for programs/bm_raytrace.py: Vector, Point, Ray, the scene objects and
# surfaces become cdef classes with double fields and cdef methods; colours stay tuples.
import array
from cpython cimport array as carray
from libc.math cimport sqrt, tan, M_PI, fabs

cdef double EPSILON = 0.00001


cdef class Vector:
    cdef public double x, y, z

    def __init__(self, double initx, double inity, double initz):
        self.x = initx
        self.y = inity
        self.z = initz

    cdef double magnitude(self):
        return sqrt(self.dot(self))

    def __add__(self, other):
        if isinstance(other, Point):
            return Point(self.x + other.x, self.y + other.y, self.z + other.z)
        return Vector(self.x + other.x, self.y + other.y, self.z + other.z)

    def __sub__(self, Vector other):
        return Vector(self.x - other.x, self.y - other.y, self.z - other.z)

    cdef Vector scale(self, double factor):
        return Vector(factor * self.x, factor * self.y, factor * self.z)

    cdef double dot(self, Vector other):
        return (self.x * other.x) + (self.y * other.y) + (self.z * other.z)

    cdef Vector cross(self, Vector other):
        return Vector(self.y * other.z - self.z * other.y,
                      self.z * other.x - self.x * other.z,
                      self.x * other.y - self.y * other.x)

    cdef Vector normalized(self):
        return self.scale(1.0 / self.magnitude())

    cdef Vector reflectThrough(self, Vector normal):
        cdef Vector d = normal.scale(self.dot(normal))
        return self - d.scale(2)


cdef class Point:
    cdef public double x, y, z

    def __init__(self, double initx, double inity, double initz):
        self.x = initx
        self.y = inity
        self.z = initz

    def __add__(self, Vector other):
        return Point(self.x + other.x, self.y + other.y, self.z + other.z)

    def __sub__(self, other):
        if isinstance(other, Point):
            return Vector(self.x - other.x, self.y - other.y, self.z - other.z)
        return Point(self.x - other.x, self.y - other.y, self.z - other.z)


cdef Vector V_UP = Vector(0, 1, 0)
cdef Point P_ZERO = Point(0, 0, 0)


cdef class Ray:
    cdef Point point
    cdef Vector vector

    def __init__(self, Point point, Vector vector):
        self.point = point
        self.vector = vector.normalized()

    cdef Point pointAtTime(self, double t):
        return self.point + self.vector.scale(t)


cdef class SceneObject:
    cdef object intersectionTime(self, Ray ray):
        raise NotImplementedError

    cdef Vector normalAt(self, Point p):
        raise NotImplementedError


cdef class Sphere(SceneObject):
    cdef Point centre
    cdef double radius

    def __init__(self, Point centre, double radius):
        self.centre = centre
        self.radius = radius

    cdef object intersectionTime(self, Ray ray):
        cdef Vector cp = self.centre - ray.point
        cdef double v = cp.dot(ray.vector)
        cdef double discriminant = (self.radius * self.radius) - (cp.dot(cp) - v * v)
        if discriminant < 0:
            return None
        return v - sqrt(discriminant)

    cdef Vector normalAt(self, Point p):
        return (<Vector>(p - self.centre)).normalized()


cdef class Halfspace(SceneObject):
    cdef Point point
    cdef Vector normal

    def __init__(self, Point point, Vector normal):
        self.point = point
        self.normal = normal.normalized()

    cdef object intersectionTime(self, Ray ray):
        cdef double v = ray.vector.dot(self.normal)
        if v:
            return 1 / -v
        return None

    cdef Vector normalAt(self, Point p):
        return self.normal


cdef class Canvas:
    cdef carray.array bytes
    cdef int width, height

    def __init__(self, int width, int height):
        cdef int i
        self.bytes = array.array('B', [0] * (width * height * 3))
        for i in range(width * height):
            self.bytes.data.as_uchars[i * 3 + 2] = 255
        self.width = width
        self.height = height

    cdef void plot(self, int x, int y, double r, double g, double b):
        cdef int i = ((self.height - y - 1) * self.width + x) * 3
        self.bytes.data.as_uchars[i] = max(0, min(255, <int>(r * 255)))
        self.bytes.data.as_uchars[i + 1] = max(0, min(255, <int>(g * 255)))
        self.bytes.data.as_uchars[i + 2] = max(0, min(255, <int>(b * 255)))


cdef tuple firstIntersection(list intersections):
    cdef tuple result = None, i
    for i in intersections:
        candidateT = i[1]
        if candidateT is not None and <double>candidateT > -EPSILON:
            if result is None or <double>candidateT < <double>result[1]:
                result = i
    return result


cdef class Scene:
    cdef list objects, lightPoints
    cdef Point position, lookingAt
    cdef double fieldOfView
    cdef int recursionDepth

    def __init__(self):
        self.objects = []
        self.lightPoints = []
        self.position = Point(0, 1.8, 10)
        self.lookingAt = P_ZERO
        self.fieldOfView = 45
        self.recursionDepth = 0

    def lookAt(self, Point p):
        self.lookingAt = p

    def addObject(self, SceneObject object, SimpleSurface surface):
        self.objects.append((object, surface))

    def addLight(self, Point p):
        self.lightPoints.append(p)

    def render(self, Canvas canvas):
        cdef double fovRadians = M_PI * (self.fieldOfView / 2.0) / 180.0
        cdef double halfWidth = tan(fovRadians)
        cdef double halfHeight = 0.75 * halfWidth
        cdef double width = halfWidth * 2
        cdef double height = halfHeight * 2
        cdef double pixelWidth = width / (canvas.width - 1)
        cdef double pixelHeight = height / (canvas.height - 1)
        cdef Ray eye = Ray(self.position, self.lookingAt - self.position)
        cdef Vector vpRight = eye.vector.cross(V_UP).normalized()
        cdef Vector vpUp = vpRight.cross(eye.vector).normalized()
        cdef Vector xcomp, ycomp
        cdef Ray ray
        cdef tuple colour
        cdef int x, y
        for y in range(canvas.height):
            for x in range(canvas.width):
                xcomp = vpRight.scale(x * pixelWidth - halfWidth)
                ycomp = vpUp.scale(y * pixelHeight - halfHeight)
                ray = Ray(eye.point, eye.vector + xcomp + ycomp)
                colour = self.rayColour(ray)
                canvas.plot(x, y, colour[0], colour[1], colour[2])

    cdef tuple rayColour(self, Ray ray):
        cdef SceneObject o
        cdef SimpleSurface s
        cdef tuple i
        cdef Point p
        if self.recursionDepth > 3:
            return (0, 0, 0)
        try:
            self.recursionDepth = self.recursionDepth + 1
            intersections = [((<SceneObject>o_s[0]), (<SceneObject>o_s[0]).intersectionTime(ray),
                              o_s[1]) for o_s in self.objects]
            i = firstIntersection(intersections)
            if i is None:
                return (0, 0, 0)
            o = i[0]
            s = i[2]
            p = ray.pointAtTime(i[1])
            return s.colourAt(self, ray, p, o.normalAt(p))
        finally:
            self.recursionDepth = self.recursionDepth - 1

    cdef bint _lightIsVisible(self, Point l, Point p):
        cdef tuple o_s
        for o_s in self.objects:
            t = (<SceneObject>o_s[0]).intersectionTime(Ray(p, l - p))
            if t is not None and <double>t > EPSILON:
                return False
        return True

    cdef list visibleLights(self, Point p):
        cdef list result = []
        cdef Point l
        for l in self.lightPoints:
            if self._lightIsVisible(l, p):
                result.append(l)
        return result


cdef tuple addColours(tuple a, double scale, tuple b):
    return (a[0] + scale * b[0],
            a[1] + scale * b[1],
            a[2] + scale * b[2])


cdef class SimpleSurface:
    cdef tuple baseColour
    cdef double specularCoefficient, lambertCoefficient, ambientCoefficient

    def __init__(self, **kwargs):
        self.baseColour = kwargs.get('baseColour', (1, 1, 1))
        self.specularCoefficient = kwargs.get('specularCoefficient', 0.2)
        self.lambertCoefficient = kwargs.get('lambertCoefficient', 0.6)
        self.ambientCoefficient = 1.0 - self.specularCoefficient - self.lambertCoefficient

    cdef tuple baseColourAt(self, Point p):
        return self.baseColour

    cdef tuple colourAt(self, Scene scene, Ray ray, Point p, Vector normal):
        cdef tuple b = self.baseColourAt(p)
        cdef tuple c = (0, 0, 0)
        cdef Ray reflectedRay
        cdef Point lightPoint
        cdef double lambertAmount, contribution
        if self.specularCoefficient > 0:
            reflectedRay = Ray(p, ray.vector.reflectThrough(normal))
            reflectedColour = scene.rayColour(reflectedRay)
            c = addColours(c, self.specularCoefficient, reflectedColour)
        if self.lambertCoefficient > 0:
            lambertAmount = 0
            for lightPoint in scene.visibleLights(p):
                contribution = (<Vector>(lightPoint - p)).normalized().dot(normal)
                if contribution > 0:
                    lambertAmount = lambertAmount + contribution
            lambertAmount = min(1, lambertAmount)
            c = addColours(c, self.lambertCoefficient * lambertAmount, b)
        if self.ambientCoefficient > 0:
            c = addColours(c, self.ambientCoefficient, b)
        return c


cdef class CheckerboardSurface(SimpleSurface):
    cdef tuple otherColour
    cdef double checkSize

    def __init__(self, **kwargs):
        SimpleSurface.__init__(self, **kwargs)
        self.otherColour = kwargs.get('otherColour', (0, 0, 0))
        self.checkSize = kwargs.get('checkSize', 1)

    cdef tuple baseColourAt(self, Point p):
        cdef Vector v = p - P_ZERO
        v.scale(1.0 / self.checkSize)
        if ((<long>(fabs(v.x) + 0.5)
             + <long>(fabs(v.y) + 0.5)
             + <long>(fabs(v.z) + 0.5)) % 2):
            return self.otherColour
        return self.baseColour


def run(int width=100, int height=100):
    cdef Canvas canvas = Canvas(width, height)
    cdef Scene s = Scene()
    cdef int y
    s.addLight(Point(30, 30, 10))
    s.addLight(Point(-10, 100, 30))
    s.lookAt(Point(0, 3, 0))
    s.addObject(Sphere(Point(1, 3, -10), 2),
                SimpleSurface(baseColour=(1, 1, 0)))
    for y in range(6):
        s.addObject(Sphere(Point(-3 - y * 0.4, 2.3, -5), 0.4),
                    SimpleSurface(baseColour=(y / 6.0, 1 - y / 6.0, 0.5)))
    s.addObject(Halfspace(Point(0, 0, 0), V_UP),
                CheckerboardSurface())
    s.render(canvas)
    return canvas.bytes.tobytes()
